/* The subcommands of the wgan CLI, one file each (cli/cmd_NAME.c).
 * Each takes the arguments after its name and returns the exit code:
 * 0 success, 1 failure while running, 2 bad usage or bad input. */
#ifndef WGAN_CLI_COMMANDS_H
#define WGAN_CLI_COMMANDS_H

int cmd_version(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_sample(int argc, char **argv);
int cmd_classifier(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_emd(int argc, char **argv);
int cmd_js(int argc, char **argv);
int cmd_figure(int argc, char **argv);

#endif
