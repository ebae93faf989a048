exec nonexistent-command-xyz
echo never
