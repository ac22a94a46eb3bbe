/* SPDX-License-Identifier: GPL-2.0 */
/* What params.c and params_sched.c share: the checks and the error report. */
#ifndef TMON_PARAMS_H
#define TMON_PARAMS_H

#include <linux/moduleparam.h>

/* Set once init has validated the parameters; under kernel_param_lock. */
extern bool tmon_params_live;

__printf(1, 2) void tmon_param_err(const char *fmt, ...);
int tmon_val_len(const char *val);
int tmon_param_set_uint(const char *val, const struct kernel_param *kp,
			unsigned int min, unsigned int max);

#endif
