# bash completion for lockdown (installed as share/bash-completion/completions/lockdown)
_lockdown()
{
    local cur prev cmd
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    cmd="${COMP_WORDS[1]}"
    local common="--format --output --html --json --send --send-ca --level --policy --fail-on --allow-incomplete --check --exclude --quiet --help"

    case "$prev" in
        --format|-f)
            if [ "$cmd" = watch ]; then
                COMPREPLY=($(compgen -W "json syslog" -- "$cur"))
            elif [ "$cmd" = capture ]; then
                COMPREPLY=($(compgen -W "text json" -- "$cur"))
            elif [ "$cmd" = report ]; then
                COMPREPLY=($(compgen -W "table json html sarif junit jsonl" -- "$cur"))
            elif [ "$cmd" = image ]; then
                COMPREPLY=($(compgen -W "table json sarif junit cyclonedx spdx" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "table json sarif junit" -- "$cur"))
            fi
            return ;;
        --level)
            COMPREPLY=($(compgen -W "low medium high" -- "$cur")); return ;;
        --fail-on)
            COMPREPLY=($(compgen -W "critical high medium low info" -- "$cur")); return ;;
        --tier)
            COMPREPLY=($(compgen -W "image registry orchestrator container host" -- "$cur")); return ;;
        --framework)
            COMPREPLY=($(compgen -W "nist-800-190 cis-docker-1.6" -- "$cur")); return ;;
        --data-classification)
            COMPREPLY=($(compgen -W "public internal confidential restricted" -- "$cur")); return ;;
        --exposure)
            COMPREPLY=($(compgen -W "none indirect direct" -- "$cur")); return ;;
        --use-case)
            COMPREPLY=($(compgen -W "development test production" -- "$cur")); return ;;
        --memory|--capture-memory)
            COMPREPLY=($(compgen -W "all anon none" -- "$cur")); return ;;
        --freeze-method)
            COMPREPLY=($(compgen -W "auto cgroup engine" -- "$cur")); return ;;
        --services)
            COMPREPLY=($(compgen -W "ecs ecr eks ecs,ecr,eks" -- "$cur")); return ;;
        --output|-o|--policy|--host-root|--kubeconfig|--aws|--ca-bundle|--rules|--validate|--key|--capture-key|--capture-dir)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --container|--exclude-container)
            # container names from the engine when the docker CLI is there
            if command -v docker >/dev/null 2>&1; then
                COMPREPLY=($(compgen -W "$(docker ps -a --format '{{.Names}}' 2>/dev/null)" -- "$cur"))
            fi
            return ;;
    esac

    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "assess aws capture controls db docker dockerfile image k8s key level policy registry report version watch --fips --help --version" -- "$cur"))
        return
    fi
    case "$cmd" in
        assess)   COMPREPLY=($(compgen -W "$common --host-root --docker-host --container --exclude-container --skip-images --aws --aws-region --aws-profile --kubeconfig --context --username --password-stdin --cacert --insecure-registry --docker-config --registry-timeout --cache-dir --no-cache" -- "$cur")) ;;
        aws)
            if [ "$COMP_CWORD" -eq 2 ]; then
                COMPREPLY=($(compgen -W "scan --help" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -W "$common --region --profile --services --endpoint-url --ca-bundle --no-metadata --exit-code" -- "$cur"))
            fi ;;
        k8s)
            if [ "$COMP_CWORD" -eq 2 ]; then
                COMPREPLY=($(compgen -W "scan node who-can access --help" -- "$cur"))
            else
                case "${COMP_WORDS[2]}" in
                    scan) COMPREPLY=($(compgen -f -W "$common --pss --pss-version --exit-code --kubeconfig --context --request-timeout" -- "$cur")) ;;
                    node) COMPREPLY=($(compgen -W "$common --host-root" -- "$cur")) ;;
                    *)    COMPREPLY=($(compgen -f -W "--namespace --subresource --name --group --format --output --help" -- "$cur")) ;;
                esac
            fi ;;
        controls) COMPREPLY=($(compgen -W "--level --tier --framework --format --output --help" -- "$cur")) ;;
        level)    COMPREPLY=($(compgen -W "--policy --data-classification --exposure --use-case --level --format --output --help" -- "$cur")) ;;
        db)
            if [ "$COMP_CWORD" -eq 2 ]; then
                COMPREPLY=($(compgen -W "update import status push pull --help" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -W "--db --source --cacert --config --type --format --key --policy --insecure-skip-verify --max-size --max-manifest-size --username --password-stdin --insecure-registry --docker-config --quiet --help" -- "$cur"))
            fi ;;
        docker)
            if [ "$COMP_CWORD" -eq 2 ]; then
                COMPREPLY=($(compgen -W "audit --help" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$common --all --images --container --exclude-container --docker-host --host-root" -- "$cur"))
            fi ;;
        dockerfile)
            if [ "$COMP_CWORD" -eq 2 ]; then
                COMPREPLY=($(compgen -W "lint --help" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -W "$common" -- "$cur"))
            fi ;;
        image)
            if [ "$COMP_CWORD" -eq 2 ]; then
                COMPREPLY=($(compgen -W "scan sbom sign verify --help" -- "$cur"))
            else
                case "${COMP_WORDS[2]}" in
                    sign)   COMPREPLY=($(compgen -f -W "--key --identity -a --annotation --username --password-stdin --cacert --insecure-registry --docker-config --registry-timeout --cache-dir --no-cache --help" -- "$cur")) ;;
                    verify) COMPREPLY=($(compgen -f -W "$common --key --policy --containers-policy --registries-d --username --password-stdin --cacert --insecure-registry --docker-config --registry-timeout --cache-dir --no-cache" -- "$cur")) ;;
                    *)      COMPREPLY=($(compgen -f -W "$common --platform --checks --severity --ignore-unfixed --ignore-status --ignorefile --vex --db --max-db-age --secret-max-bytes --exit-code --skip-dirs --skip-files --max-image-bytes --engine-timeout --username --password-stdin --cacert --insecure-registry --docker-config --registry-timeout --cache-dir --no-cache" -- "$cur")) ;;
                esac
            fi ;;
        key)
            if [ "$COMP_CWORD" -eq 2 ]; then
                COMPREPLY=($(compgen -W "generate show --help" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -W "--pkcs8 --force --help" -- "$cur"))
            fi ;;
        registry)
            if [ "$COMP_CWORD" -eq 2 ]; then
                COMPREPLY=($(compgen -W "audit scan prune --help" -- "$cur"))
            else
                case "${COMP_WORDS[2]}" in
                    audit) COMPREPLY=($(compgen -f -W "$common --config --htpasswd --username --password-stdin --cacert --insecure-registry --docker-config --registry-timeout --cache-dir --no-cache" -- "$cur")) ;;
                    scan)  COMPREPLY=($(compgen -W "$common --repo --since --platform --db --username --password-stdin --cacert --insecure-registry --docker-config --registry-timeout --cache-dir --no-cache" -- "$cur")) ;;
                    *)     COMPREPLY=($(compgen -f -W "$common --severity --fixable --unsigned --key --older-than --keep --apply --log --username --password-stdin --cacert --insecure-registry --docker-config --registry-timeout --cache-dir --no-cache" -- "$cur")) ;;
                esac
            fi ;;
        version)
            if [ "$COMP_CWORD" -eq 2 ]; then
                COMPREPLY=($(compgen -W "compare --help" -- "$cur"))
            elif [ "$COMP_CWORD" -eq 3 ]; then
                COMPREPLY=($(compgen -W "deb apk rpm pypi npm semver maven go gem" -- "$cur"))
            fi ;;
        watch)
            COMPREPLY=($(compgen -W "--rules --no-default-rules --validate --output --format --duration --stats-interval --ring-bytes --rotate-size --rotate-keep --no-ebpf --containers-only --policy --list-rules --list-fields --capture-dir --capture-memory --capture-key --quiet --help" -- "$cur")) ;;
        capture)
            if [ "$COMP_CWORD" -eq 2 ]; then
                local names=""
                command -v docker >/dev/null 2>&1 && names=$(docker ps --format '{{.Names}}' 2>/dev/null)
                COMPREPLY=($(compgen -W "verify show $names --help" -- "$cur"))
            else
                case "${COMP_WORDS[2]}" in
                    verify) COMPREPLY=($(compgen -d -W "--key --format --help" -- "$cur")) ;;
                    show)   COMPREPLY=($(compgen -d -W "--format --all --help" -- "$cur")) ;;
                    *)      COMPREPLY=($(compgen -W "--output --no-freeze --memory --volumes --key --max-memory --max-fs --max-logs --freeze-deadline --freeze-method --quiet --help" -- "$cur")) ;;
                esac
            fi ;;
        report)
            if [ "$COMP_CWORD" -eq 2 ]; then
                COMPREPLY=($(compgen -W "merge --help" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -W "--format --output --html --json --max-report-size --allow-incomplete --quiet --help" -- "$cur"))
            fi ;;
        policy)
            if [ "$COMP_CWORD" -eq 2 ]; then
                COMPREPLY=($(compgen -W "check show --help" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi ;;
    esac
}
complete -F _lockdown lockdown
