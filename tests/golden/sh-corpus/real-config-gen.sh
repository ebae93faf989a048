APP=myapp
PORT=${PORT:-8080}
mkdir -p etc
cat > etc/$APP.conf <<EOF
# generated
name=$APP
port=$PORT
workers=$(( 2 * 2 ))
EOF
grep -v '^#' etc/$APP.conf | while IFS== read key value; do
  printf '%-8s %s\n' "$key" "$value"
done
