#!/bin/bash
# The playbooks pass ansible-lint's production profile and yamllint, the
# lint is not vacuous (a planted defect is caught), the playbook parses,
# the monitoring role's alert rules as rendered pass `promtool check
# rules` (their logic: tests/monitoring/rules.t), and every tunable of
# group_vars/all.yml is explained in docs/deploy.md.
. "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
command -v ansible-lint >/dev/null || skip_all "ansible-lint is not installed"
export ANSIBLE_NOCOLOR=1 NO_COLOR=1 ANSIBLE_LOCAL_TEMP=$TEST_TMP/ansible-tmp

out=$(ansible-lint ansible/ 2>&1); rc=$?
is "$rc" 0 "ansible-lint ansible/ passes"
like "$out" "Passed with production profile: 0 failure\(s\), 0 warning\(s\)" \
    "ansible-lint ran the production profile"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -30 | sed 's/^/# /'

out=$(yamllint -s . 2>&1); rc=$?
is "$rc" 0 "yamllint -s passes"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | head -30 | sed 's/^/# /'

# A copy with one command task that says nothing of what it changes.
proj=$TEST_TMP/proj
mkdir -p "$proj"
cp -r ansible .ansible-lint .yamllint "$proj/"
cat >> "$proj/ansible/roles/ingest/tasks/main.yml" <<'BAD'

- name: Planted defect
  ansible.builtin.command: touch /tmp/planted
BAD
out=$(cd "$proj" && ansible-lint ansible/ 2>&1); rc=$?
isnt_zero=$([ "$rc" -ne 0 ] && echo yes || echo no)
is "$isnt_zero" yes "ansible-lint fails on a planted defect"
like "$out" "no-changed-when" "and names the rule it broke"

out=$(ansible-playbook -i ansible/inventory/example.ini --syntax-check \
    ansible/site.yml 2>&1); rc=$?
is "$rc" 0 "site.yml passes --syntax-check with the example inventory"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | tail -10 | sed 's/^/# /'

# The alert rules, rendered by the monitoring role's own tasks.
if command -v promtool >/dev/null && [ "$(id -u)" -eq 0 ] &&
    getent passwd prometheus >/dev/null; then
	. "$ROOT/tests/monitoring/render.sh"
	monitoring_render "$TEST_TMP/mon"
	ok $? "the monitoring role renders its rules"
	out=$(promtool check rules "$TEST_TMP/mon/etc/tickfeed-rules.yml" 2>&1)
	like "$out" "SUCCESS: [0-9]+ rules found" "promtool check rules passes"
	printf 'groups:\n  - name: x\n    rules:\n      - alert: X\n        expr: up ==\n' \
	    >"$TEST_TMP/bad-rules.yml"
	promtool check rules "$TEST_TMP/bad-rules.yml" >/dev/null 2>&1
	isnt_zero=$?
	[ "$isnt_zero" -ne 0 ]
	ok $? "promtool check rules fails on a rule that does not parse"
else
	diag "no promtool (prometheus package) or not root: alert rules not checked"
fi

# Every variable set in group_vars/all.yml appears in docs/deploy.md.
missing=()
while read -r v; do
	grep -q -- "\`$v\`" docs/deploy.md || missing+=("$v")
done < <(sed -n 's/^\([a-z][a-z0-9_]*\):.*/\1/p' ansible/group_vars/all.yml)
is "${missing[*]-}" "" "docs/deploy.md explains every variable of group_vars/all.yml"
nvars=$(grep -c '^[a-z][a-z0-9_]*:' ansible/group_vars/all.yml)
like "$nvars" '^[0-9]{2,}$' "group_vars/all.yml holds the tunables ($nvars)"

done_testing
