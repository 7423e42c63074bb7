# tests/monitoring/render.sh: source after tests/lib.sh.
#   monitoring_render DIR [ANSIBLE-ARGS...]
# renders the monitoring role's configuration into DIR/etc with an
# inventory of one collector (this machine) and two web nodes, web1 over
# HTTPS with the certificate DIR/web.pem (made here when missing), web2
# over HTTP (or the inventory lines of MONITORING_WEB instead); its log in
# DIR/render.log.  More -e arguments override group_vars/all.yml.
monitoring_render() {
	local d=$1; shift
	mkdir -p "$d/etc"
	[ -s "$d/web.pem" ] || openssl req -x509 -newkey ec \
	    -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=tickfeed.test \
	    -addext subjectAltName=DNS:tickfeed.test -keyout "$d/web.key" \
	    -out "$d/web.pem" 2>/dev/null
	cat >"$d/inventory.ini" <<-INV
	[web]
	${MONITORING_WEB:-web1 tickfeed_tls_cert=$d/web.pem tickfeed_tls_key=$d/web.key tickfeed_server_name=tickfeed.test
	web2 tickfeed_tls=false tickfeed_metrics_address=127.0.0.1 tickfeed_http_port=8080}
	[collector]
	logs
	[all:vars]
	ansible_connection=local
	ansible_python_interpreter=$(command -v python3)
	INV
	cp "$ROOT/tests/monitoring/render.yml" "$d/render.yml"
	ln -sfn "$ROOT/ansible/group_vars" "$d/group_vars"
	ANSIBLE_ROLES_PATH=$ROOT/ansible/roles ANSIBLE_NOCOLOR=1 \
	ANSIBLE_LOCAL_TEMP=$d/ansible-tmp ANSIBLE_HOST_KEY_CHECKING=0 \
	    ansible-playbook -i "$d/inventory.ini" -e "monitoring_etc_dir=$d/etc" \
	    "$@" "$d/render.yml" >"$d/render.log" 2>&1
}
