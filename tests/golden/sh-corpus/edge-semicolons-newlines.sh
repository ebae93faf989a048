if true
then
echo a
fi
for i in 1 2
do echo $i
done
while false
do :
done
case x
in x) echo c
esac
{
echo g
}
(
echo s
)
