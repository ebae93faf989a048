cat <<-EOF
	indented
		double
  spaces kept
	EOF
echo after
