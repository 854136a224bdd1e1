/* `lockdown registry`, `lockdown key` and `lockdown image sign|verify`:
 * the registry tier and image trust. cmd_registry.c dispatches registry's
 * subcommands; each lives in its own file. */
#ifndef LD_CLI_CMD_REGISTRY_H
#define LD_CLI_CMD_REGISTRY_H

int cmd_registry(int argc, char **argv);
/* registry audit URL [--config config.yml] (cmd_registry_audit.c) */
int cmd_registry_audit(int argc, char **argv);
/* registry scan URL [--repo GLOB] [--since D] (cmd_registry_scan.c) */
int cmd_registry_scan(int argc, char **argv);
/* registry prune URL [--apply] (cmd_registry_prune.c) */
int cmd_registry_prune(int argc, char **argv);
/* key generate PREFIX (cmd_key.c) */
int cmd_key(int argc, char **argv);
/* image sign REF --key K / image verify REF --key K|--policy P (cmd_image_trust.c) */
int cmd_image_sign(int argc, char **argv);
int cmd_image_verify(int argc, char **argv);

#endif
