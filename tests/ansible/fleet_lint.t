#!/bin/bash
# The fleet's part of the playbooks: every tunable of group_vars/fleet.yml
# is explained in docs/scale.md, site.yml parses with the example fleet
# inventory, and that inventory has every group the plays name.
. "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
command -v ansible-playbook >/dev/null || skip_all "ansible is not installed"
export ANSIBLE_NOCOLOR=1 NO_COLOR=1 ANSIBLE_LOCAL_TEMP=$TEST_TMP/ansible-tmp

out=$(ansible-playbook -i ansible/inventory/fleet.ini --syntax-check \
    ansible/site.yml 2>&1); rc=$?
is "$rc" 0 "site.yml passes --syntax-check with the fleet inventory"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -10 | sed 's/^/# /'

groups=$(ansible-inventory -i ansible/inventory/fleet.ini --list 2>/dev/null |
    python3 -c 'import json, sys; d = json.load(sys.stdin)
print(" ".join(sorted(g for g in d if g not in ("_meta", "all", "ungrouped"))))')
is "$groups" "collector edge fleet lb origin redis" \
    "inventory/fleet.ini has the fleet's groups"
children=$(ansible-inventory -i ansible/inventory/fleet.ini --graph fleet 2>/dev/null |
    sed -n 's/^ *|--@\([a-z]*\):$/\1/p' | sort | tr '\n' ' ')
is "$children" "edge lb origin redis " "fleet's children are origin, redis, edge, lb"

# Every variable set in group_vars/fleet.yml is in docs/scale.md.
missing=()
while read -r v; do
	grep -q -- "\`$v\`" docs/scale.md || missing+=("$v")
done < <(sed -n 's/^\([a-z][a-z0-9_]*\):.*/\1/p' ansible/group_vars/fleet.yml)
is "${missing[*]-}" "" "docs/scale.md explains every variable of group_vars/fleet.yml"
nvars=$(grep -c '^[a-z][a-z0-9_]*:' ansible/group_vars/fleet.yml)
like "$nvars" '^[0-9]{2,}$' "group_vars/fleet.yml holds the fleet's tunables ($nvars)"

done_testing
