/* `lockdown db push` / `db pull` (cmd_db_oci.c), dispatched by cmd_db.c. */
#ifndef LD_CLI_CMD_DB_OCI_H
#define LD_CLI_CMD_DB_OCI_H

int cmd_db_push(int argc, char **argv);
int cmd_db_pull(int argc, char **argv);

#endif
