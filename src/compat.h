/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where kernel API differences live. Kbuild force-includes
 * this file; the rest of tmon is written against the newest API and tests
 * no version. Features are probed in Kbuild (COMPAT_HAVE_*) where stable
 * kernels may have backported them; version ranges are used only where a
 * probe cannot tell.
 */
#ifndef _TMON_COMPAT_H
#define _TMON_COMPAT_H

#include <linux/version.h>
#include <linux/hrtimer.h>

/* 6.13 added hrtimer_setup(); 6.15 removed hrtimer_init(). */
#ifndef COMPAT_HAVE_HRTIMER_SETUP
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

#endif /* _TMON_COMPAT_H */
