# ansible/: the playbooks are checked, not built.  `make lint` (and
# tests/ansible/lint.t, in `make test`) runs ansible-lint with the
# production profile (.ansible-lint) and yamllint (.yamllint);
# tests/ansible/deploy.t runs site.yml for real in Debian 12 chroots.
.PHONY: ansible-lint
lint: ansible-lint
ansible-lint:
	ansible-lint ansible/
	yamllint -s .
