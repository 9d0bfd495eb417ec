# --template with the index and the total, under a --name-prefix; verify finds the manifest under
# the same prefix, and says why there is nothing to verify without it.
sd put "file://$PWD/named" -n 3 -s 10 --template 'part-{}-of-{}.bin' --name-prefix run- -q --seed 1
ls named
sd verify "file://$PWD/named" --name-prefix run- -q
sd verify "file://$PWD/named"
