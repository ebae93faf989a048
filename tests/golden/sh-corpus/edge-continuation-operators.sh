true &\
& echo and
false |\
| echo or
echo a \
  b \
  c
if true; th\
en echo split-keyword; fi
