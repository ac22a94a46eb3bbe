// SPDX-License-Identifier: GPL-2.0
/*
 * `tmonctl latency`: per-CPU wakeup latency over the stored history, as a
 * summary or, with --hist, as a histogram laid out the way rtla timerlat
 * hist and cyclictest -h print theirs: one row per bucket, one column
 * per CPU, empty rows left out, then over/count/min/avg/max rows.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>

#include "tmonctl.h"

#define HIST_AUTO_BUCKETS	20
#define HIST_MAX_BUCKETS	10000

/* 1, 2 or 5 times a power of ten, in us, so that @max_ns fits in 20 buckets. */
uint64_t hist_auto_bucket_ns(uint64_t max_ns)
{
	static const uint64_t steps[] = { 1, 2, 5 };
	uint64_t scale;
	unsigned int i;

	for (scale = NSEC_PER_USEC; scale < UINT64_MAX / 100; scale *= 10)
		for (i = 0; i < ARRAY_SIZE(steps); i++)
			if (max_ns / (steps[i] * scale) < HIST_AUTO_BUCKETS)
				return steps[i] * scale;
	return scale;
}

static bool cpu_shown(const struct cpu_state *c)
{
	return c->lat.count > 0;
}

/* MIN AVG P50 P99 MAX of one latency, in us. */
static void print_lat(const struct lat_stats *l)
{
	uint64_t v[] = { l->min, l->count ? l->sum / l->count : 0, l->p50, l->p99, l->max };
	char buf[16];
	unsigned int k;

	for (k = 0; k < ARRAY_SIZE(v); k++) {
		fmt_usec(buf, sizeof(buf), v[k]);
		printf(" %8s", buf);
	}
}

/*
 * Both latencies, as rtla timerlat top shows them: the timer's IRQ, then
 * the thread, each against the expiry the wakeup served.
 */
static void summary(const struct tmon_status *st, bool json)
{
	struct json j;
	unsigned int i;

	json_init(&j, stdout);
	if (json) {
		json_object(&j, NULL);
		json_u64(&j, "period_ns", st->period_ns);
		json_array(&j, "cpus");
	} else {
		printf("%-4s %7s | %-44s | %-44s | %7s\n", "", "", "IRQ latency (us)",
		       "Thread latency (us)", "");
		printf("%-4s %7s |", "CPU", "COUNT");
		for (i = 0; i < 2; i++)
			printf(" %8s %8s %8s %8s %8s |", "MIN", "AVG", "P50", "P99", "MAX");
		printf(" %7s\n", "MISSED");
	}
	for (i = 0; i < st->nr_possible; i++) {
		const struct cpu_state *cs = &st->cpus[i];

		if (!cpu_shown(cs))
			continue;
		if (json) {
			json_object(&j, NULL);
			json_u64(&j, "cpu", cs->cpu);
			json_u64(&j, "records", cs->lat.count);
			json_u64(&j, "missed", cs->missed);
			json_lat_stats(&j, "irq_latency_ns", &cs->irq_lat);
			json_lat_stats(&j, "latency_ns", &cs->lat);
			json_end(&j);
			continue;
		}
		printf("%-4u %7" PRIu64 " |", cs->cpu, cs->lat.count);
		print_lat(&cs->irq_lat);
		printf(" |");
		print_lat(&cs->lat);
		printf(" | %7" PRIu64 "\n", cs->missed);
	}
	if (json) {
		json_end(&j);
		json_end(&j);
	}
}

enum hist_stat { HIST_OVER, HIST_COUNT, HIST_MIN, HIST_AVG, HIST_MAX };

/* One summary row under the histogram, as rtla prints them. */
static void hist_row(const struct tmon_status *st, enum hist_stat what, uint64_t **count,
		     uint64_t nb)
{
	static const char * const label[] = { "over:", "count:", "min:", "avg:", "max:" };
	const struct lat_stats *l;
	unsigned int i;
	char buf[24];

	printf("%-11s", label[what]);
	for (i = 0; i < st->nr_possible; i++) {
		l = &st->cpus[i].lat;
		if (!cpu_shown(&st->cpus[i]))
			continue;
		switch (what) {
		case HIST_OVER:
			snprintf(buf, sizeof(buf), "%" PRIu64, count[i][nb]);
			break;
		case HIST_COUNT:
			snprintf(buf, sizeof(buf), "%" PRIu64, l->count);
			break;
		default:
			fmt_usec(buf, sizeof(buf), what == HIST_MIN ? l->min :
				 what == HIST_AVG ? l->sum / l->count : l->max);
		}
		printf(" %9s", buf);
	}
	putchar('\n');
}

/* Bucket counts per shown CPU: count[cpu][bucket], last bucket = over. */
/* Per CPU, nb + 1 counters: the buckets of @width, then those beyond. */
static uint64_t **hist_count(const struct tmon_status *st, uint64_t width, uint64_t nb)
{
	uint64_t **count, v;
	unsigned int i;
	size_t n;

	count = calloc(st->nr_possible, sizeof(*count));
	for (i = 0; count && i < st->nr_possible; i++) {
		count[i] = calloc(nb + 1, sizeof(**count));
		if (!count[i]) {
			while (i--)
				free(count[i]);
			free(count);
			return NULL;
		}
		for (n = 0; n < st->cpus[i].nr_lat; n++) {
			v = st->cpus[i].lat_ns[n] / width;
			count[i][v < nb ? v : nb]++;
		}
	}
	return count;
}

static void hist_json(const struct tmon_status *st, uint64_t width, uint64_t **count,
		      uint64_t nb)
{
	unsigned int i, k;
	struct json j;

	json_init(&j, stdout);
	json_object(&j, NULL);
	json_u64(&j, "period_ns", st->period_ns);
	json_u64(&j, "bucket_ns", width);
	json_array(&j, "cpus");
	for (i = 0; i < st->nr_possible; i++) {
		if (!cpu_shown(&st->cpus[i]))
			continue;
		json_object(&j, NULL);
		json_u64(&j, "cpu", st->cpus[i].cpu);
		json_u64(&j, "records", st->cpus[i].lat.count);
		json_u64(&j, "over", count[i][nb]);
		json_array(&j, "buckets");
		for (k = 0; k < nb; k++) {
			if (!count[i][k])
				continue;
			json_object(&j, NULL);
			json_u64(&j, "from_ns", k * width);
			json_u64(&j, "count", count[i][k]);
			json_end(&j);
		}
		json_end(&j);
		json_end(&j);
	}
	json_end(&j);
	json_end(&j);
}

/* As rtla timerlat hist prints it: a row per bucket, a column per CPU. */
static void hist_text(const struct tmon_status *st, uint64_t width, uint64_t **count,
		      uint64_t nb)
{
	unsigned int i, k;
	char buf[16];

	fmt_usec(buf, sizeof(buf), width);
	printf("# tmon wakeup latency histogram: bucket %s us, stored history\n", buf);
	printf("# Index(us)");
	for (i = 0; i < st->nr_possible; i++)
		if (cpu_shown(&st->cpus[i]))
			printf("   CPU-%03u", st->cpus[i].cpu);
	putchar('\n');
	for (k = 0; k < nb; k++) {
		bool any = false;

		for (i = 0; i < st->nr_possible; i++)
			any |= count[i][k] > 0;
		if (!any)
			continue;
		fmt_usec(buf, sizeof(buf), k * width);
		printf("%11s", buf);
		for (i = 0; i < st->nr_possible; i++)
			if (cpu_shown(&st->cpus[i]))
				printf(" %9" PRIu64, count[i][k]);
		putchar('\n');
	}
	for (k = HIST_OVER; k <= HIST_MAX; k++)
		hist_row(st, k, count, nb);
}

static int hist(const struct tmon_status *st, uint64_t width, bool json)
{
	uint64_t max = 0, nb, **count;
	unsigned int i;

	for (i = 0; i < st->nr_possible; i++)
		if (st->cpus[i].lat.max > max)
			max = st->cpus[i].lat.max;
	if (!width)
		width = hist_auto_bucket_ns(max);
	nb = max / width + 1;
	if (nb > HIST_MAX_BUCKETS)
		nb = HIST_MAX_BUCKETS;
	count = hist_count(st, width, nb);
	if (!count) {
		error("latency: out of memory");
		return EXIT_ERR;
	}
	if (json)
		hist_json(st, width, count, nb);
	else
		hist_text(st, width, count, nb);
	for (i = 0; i < st->nr_possible; i++)
		free(count[i]);
	free(count);
	return EXIT_OK;
}

int cmd_latency(int argc, char **argv)
{
	bool histogram = false;
	struct tmon_status st;
	uint64_t bucket_us = 0;
	int opt, err;

	while ((opt = cmd_getopt(argc, argv)) != -1) {
		switch (opt) {
		case OPT_HIST:
			histogram = true;
			break;
		case 'b':
			if (parse_u64(optarg, 1, 1000000, &bucket_us))
				return usage_error("latency",
						   "-b '%s' is not a bucket width from 1 to 1000000 us",
						   optarg);
			break;
		default:
			return getopt_error("latency", opt, argv);
		}
	}
	if (optind < argc)
		return usage_error("latency", "unexpected argument '%s'", argv[optind]);
	if (bucket_us && !histogram)
		return usage_error("latency", "-b needs --hist");
	err = status_get(&st, true);
	if (err)
		return err;
	if (histogram)
		err = hist(&st, bucket_us * NSEC_PER_USEC, json_global);
	else
		summary(&st, json_global);
	status_free(&st);
	return err;
}
