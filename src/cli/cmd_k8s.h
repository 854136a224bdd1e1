/* `lockdown k8s` and its subcommands. cmd_k8s.c dispatches through a table
 * of subcommands; each lives in its own file (cmd_k8s.c: scan; others add
 * their function here and a row in that table). */
#ifndef LD_CLI_CMD_K8S_H
#define LD_CLI_CMD_K8S_H

int cmd_k8s(int argc, char **argv);
/* k8s scan PATH...|-: the manifest checks (cmd_k8s.c) */
int cmd_k8s_scan(int argc, char **argv);
/* k8s node [--host-root DIR]: the node checks (cmd_k8s_node.c) */
int cmd_k8s_node(int argc, char **argv);
/* k8s who-can VERB RESOURCE / k8s access SUBJECT: effective RBAC permissions
 * (cmd_k8s_rbac.c) */
int cmd_k8s_who_can(int argc, char **argv);
int cmd_k8s_access(int argc, char **argv);

#endif
