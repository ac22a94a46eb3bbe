// SPDX-License-Identifier: GPL-2.0
/*
 * `tmonctl top`: a live view. Each screen shows what happened since the
 * previous one: per CPU the wakeups, their latency and the CPU's time
 * split, then the watched processes by CPU use. On a terminal it redraws
 * in place and q quits; otherwise (or with -n) it prints screens one
 * after another, as top -b does.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "top.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Write @text, each line cut to @cols and cleared to its end. */
static void screen_put(const char *text, unsigned int cols)
{
	const char *p = text, *nl;

	fputs("\033[H", stdout);
	for (; *p; p = nl + 1) {
		size_t len;

		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		len = (size_t)(nl - p);
		fwrite(p, 1, len < cols ? len : cols, stdout);
		fputs("\033[K\r\n", stdout);
		if (!*nl)
			break;
	}
	fputs("\033[J", stdout);
	fflush(stdout);
}

static int top_args(int argc, char **argv, uint64_t *delay, uint64_t *iterations)
{
	int opt;

	while ((opt = cmd_getopt(argc, argv)) != -1) {
		switch (opt) {
		case 'd':
			if (parse_decimal_ns(optarg, 3600 * NSEC_PER_SEC, delay) ||
			    *delay < NSEC_PER_SEC / 10)
				return usage_error("top",
						   "-d '%s' is not a delay from 100ms to 1h",
						   optarg);
			break;
		case 'n':
			if (parse_u64(optarg, 1, 1000000, iterations))
				return usage_error("top",
						   "-n '%s' is not a count from 1 to 1000000",
						   optarg);
			break;
		default:
			return getopt_error("top", opt, argv);
		}
	}
	if (optind < argc)
		return usage_error("top", "unexpected argument '%s'", argv[optind]);
	return EXIT_OK;
}

/* Keys one at a time, unechoed; false if stdin is no terminal. */
static bool term_raw(struct termios *saved)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, saved))
		return false;
	raw = *saved;
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	return true;
}

/* One screen: drawn in place on a terminal, else printed after the last. */
static int top_screen(struct top *t, bool tty)
{
	unsigned int rows = 24, cols = 80;
	char *text = NULL;
	struct winsize ws;
	size_t len;
	FILE *f;
	int err;

	if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		rows = ws.ws_row - 1;
		cols = ws.ws_col;
	}
	f = open_memstream(&text, &len);
	if (!f) {
		error("top: out of memory");
		return EXIT_ERR;
	}
	err = top_frame(t, f, tty ? rows : ~0U);
	fclose(f);
	if (!err && tty) {
		screen_put(text, cols);
	} else if (!err) {
		fputs(text, stdout);
		putchar('\n');
		fflush(stdout);
	}
	free(text);
	return err;
}

/* Until the next screen is due, or q is pressed (@keys: stdin is ours). */
static void top_wait(uint64_t delay, bool keys)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	uint64_t until = now_ns() + delay;
	char key;

	while (!stop) {
		uint64_t now = now_ns();

		if (now >= until)
			break;
		if (poll(&pfd, keys, (int)((until - now) / 1000000) + 1) > 0 &&
		    read(STDIN_FILENO, &key, 1) == 1 && (key == 'q' || key == 'Q'))
			stop = 1;
	}
}

int cmd_top(int argc, char **argv)
{
	uint64_t delay = NSEC_PER_SEC, iterations = 0;
	bool tty = isatty(STDOUT_FILENO), keys;
	struct termios saved;
	struct top t = { 0 };
	struct sigaction sa;
	int err;

	err = top_args(argc, argv, &delay, &iterations);
	if (!err)
		err = nl_open();
	if (err)
		return err;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	keys = tty && term_raw(&saved);
	if (tty)
		fputs("\033[?25l\033[H\033[2J", stdout);	/* hide the cursor, clear */

	/*
	 * The first screen has no rates yet (they need two looks) but is
	 * shown at once; each later one covers the time since the previous.
	 */
	while (!err && !stop) {
		err = top_screen(&t, tty);
		if (err || (iterations && t.frame >= iterations))
			break;
		top_wait(delay, keys);
	}
	if (tty)
		fputs("\033[?25h\n", stdout);	/* the cursor back, below the screen */
	if (keys)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	free(t.cpu);
	free(t.prev_wakeups);
	free(t.prev.t);
	free(t.cur.t);
	return err;
}
