false | true
echo "plain $?"
set -o pipefail
false | true
echo "pipefail $?"
(exit 3) | (exit 4) | true
echo "last failing $?"
true | true
echo "all ok $?"
set +o pipefail
(exit 3) | true
echo "off again $?"
