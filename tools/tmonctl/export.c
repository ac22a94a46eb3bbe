// SPDX-License-Identifier: GPL-2.0
/*
 * `tmonctl export --prometheus`: the Prometheus text exposition format
 * (version 0.0.4), HELP and TYPE before each family, for node_exporter's
 * textfile collector. Counters end in _total, units are seconds and
 * bytes, as the Prometheus naming conventions ask.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fields.h"
#include "tmonctl.h"

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* ns as seconds, exactly: "0.000123456". */
static void seconds(FILE *f, uint64_t ns)
{
	fprintf(f, "%" PRIu64 ".%09" PRIu64, ns / NSEC_PER_SEC, ns % NSEC_PER_SEC);
}

/* ns as seconds (exactly), bytes and counts as they are. */
static void prom_value(FILE *f, const struct field *fd, uint64_t v)
{
	if (fd->unit == UNIT_NS)
		seconds(f, v);
	else
		fprintf(f, "%" PRIu64, v);
}

/*
 * The latest record of every watched process, a family at a time, each
 * sample labelled with the process and its field's own label. Whether a
 * process has exited is what the watch list says, not its last sample.
 */
void export_task_families(FILE *f, const struct task_list *tl)
{
	unsigned int p;
	size_t i, k;

	for (p = PROM_NONE + 1; p < PROM_NR; p++) {
		const struct prom_family_desc *fam = &prom_families[p];

		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", fam->name, fam->help, fam->name,
			fam->type);
		for (i = 0; i < tl->n; i++) {
			const struct task_state *t = &tl->t[i];

			for (k = 0; t->has_record && k < task_fields.n; k++) {
				const struct field *fd = &task_fields.f[k];

				if (fd->prom != p)
					continue;
				fprintf(f, "%s{pid=\"%u\",comm=\"", fam->name, t->pid);
				prom_label(f, t->rec.comm);
				fprintf(f, "\"%s%s} ", fd->prom_label ? "," : "",
					fd->prom_label ? fd->prom_label : "");
				prom_value(f, fd, p == PROM_TASK_EXITED ? t->exited :
					   field_u64(fd, &t->rec));
				fputc('\n', f);
			}
		}
	}
}

/*
 * Thread latency since load as a histogram: cumulative buckets with the
 * module's bounds as le (formatted as Prometheus' clients do, "1e-06",
 * "0.005"), _sum and _count. Only the CPUs that have woken have buckets.
 */
static void latency_histogram(FILE *f, const struct tmon_status *st)
{
	const char *name = "tmon_cpu_wakeup_latency_seconds";
	unsigned int i, b;
	uint64_t n;

	family(f, name, "histogram",
	       "Thread latency of the CPU's tmon wakeups since the module was loaded.");
	for (i = 0; i < st->nr_possible; i++) {
		const struct cpu_state *c = &st->cpus[i];

		if (!c->nr_buckets)
			continue;
		for (b = 0, n = 0; b < c->nr_buckets; b++) {
			n += c->lat_buckets[b];
			if (b < st->nr_bounds)
				fprintf(f, "%s_bucket{cpu=\"%u\",le=\"%g\"} %" PRIu64 "\n", name,
					c->cpu, (double)st->lat_bounds_ns[b] / NSEC_PER_SEC, n);
			else
				fprintf(f, "%s_bucket{cpu=\"%u\",le=\"+Inf\"} %" PRIu64 "\n", name,
					c->cpu, n);
		}
		fprintf(f, "%s_sum{cpu=\"%u\"} ", name, c->cpu);
		seconds(f, c->lat_sum_ns);
		fprintf(f, "\n%s_count{cpu=\"%u\"} %" PRIu64 "\n", name, c->cpu, n);
	}
	family(f, "tmon_cpu_run_seconds_total", "counter",
	       "Time the CPU's tmon thread spent on its records since the module was loaded.");
	for (i = 0; i < st->nr_possible; i++) {
		if (!st->cpus[i].nr_buckets)
			continue;
		fprintf(f, "tmon_cpu_run_seconds_total{cpu=\"%u\"} ", st->cpus[i].cpu);
		seconds(f, st->cpus[i].run_ns);
		fputc('\n', f);
	}
}

/* IRQ latency quantiles per CPU over the stored history, as gauges. */
static void irq_latency_gauges(FILE *f, const struct tmon_status *st)
{
	static const char * const qn[] = { "min", "p50", "p99", "max" };
	const char *name = "tmon_cpu_irq_latency_seconds";
	unsigned int i, m;

	family(f, name, "gauge",
	       "Timer IRQ latency of the CPU's tmon wakeups over the stored history: min, p50, p99, max.");
	for (i = 0; i < st->nr_possible; i++) {
		const struct lat_stats *l = &st->cpus[i].irq_lat;
		const uint64_t q[] = { l->min, l->p50, l->p99, l->max };

		for (m = 0; l->count && m < ARRAY_SIZE(q); m++) {
			fprintf(f, "%s{cpu=\"%u\",stat=\"%s\"} ", name, st->cpus[i].cpu, qn[m]);
			seconds(f, q[m]);
			fputc('\n', f);
		}
	}
}

/*
 * Whether the module is loaded: 1 beside the rest, or 0 alone when it is
 * not, so that a textfile left by an export while the module was away
 * says so instead of going stale with the last figures.
 */
static void export_loaded(FILE *f, bool loaded)
{
	family(f, "tmon_module_loaded", "gauge",
	       "1 if the tmon module was loaded at the export, 0 if not.");
	fprintf(f, "tmon_module_loaded %d\n", loaded);
}

/* The families per CPU: its thread, wakeups, misses and latencies. */
static void export_cpus(FILE *f, const struct tmon_status *st)
{
	unsigned int i;

	family(f, "tmon_cpu_thread_up", "gauge", "1 if the CPU's tmon thread is running.");
	for (i = 0; i < st->nr_possible; i++)
		fprintf(f, "tmon_cpu_thread_up{cpu=\"%u\"} %d\n", st->cpus[i].cpu,
			st->cpus[i].running);
	family(f, "tmon_cpu_wakeups_total", "counter", "Wakeups of the CPU's tmon thread.");
	for (i = 0; i < st->nr_possible; i++)
		fprintf(f, "tmon_cpu_wakeups_total{cpu=\"%u\"} %" PRIu64 "\n", st->cpus[i].cpu,
			st->cpus[i].wakeups);
	family(f, "tmon_cpu_missed_wakeups_total", "counter",
	       "Timer expiries folded into a later one's wakeup: periods not served on time.");
	for (i = 0; i < st->nr_possible; i++)
		fprintf(f, "tmon_cpu_missed_wakeups_total{cpu=\"%u\"} %" PRIu64 "\n",
			st->cpus[i].cpu, st->cpus[i].missed);
	latency_histogram(f, st);
	/*
	 * IRQ latency has no counters in the module: quantiles over a window
	 * (the stored history), gauges with the window's size beside them.
	 * Not a summary: a window's _sum and _count would go down.
	 */
	irq_latency_gauges(f, st);
	family(f, "tmon_cpu_irq_latency_window", "gauge",
	       "Wakeups in the stored history that the IRQ latency quantiles cover.");
	for (i = 0; i < st->nr_possible; i++)
		fprintf(f, "tmon_cpu_irq_latency_window{cpu=\"%u\"} %" PRIu64 "\n",
			st->cpus[i].cpu, st->cpus[i].irq_lat.count);
}

/* Each event kind's counters since load. */
static void export_events(FILE *f, const struct tmon_status *st)
{
	static const char * const names[] = {
		"tmon_events_total", "tmon_events_suppressed_total",
	};
	static const char * const help[] = {
		"Events sent: latency over a threshold, exits, budget crossings, CPU threads lost or back, losses.",
		"Events held back by the rate limit or a full queue.",
	};
	unsigned int n, k;

	for (n = 0; n < ARRAY_SIZE(names); n++) {
		family(f, names[n], "counter", help[n]);
		for (k = TMON_EVENT_THREAD_LATENCY; k < ARRAY_SIZE(st->events); k++)
			fprintf(f, "%s{kind=\"%s\"} %" PRIu64 "\n", names[n], event_kind_name(k),
				n ? st->events[k].suppressed : st->events[k].sent);
	}
}

static void export_prometheus(FILE *f, const struct tmon_status *st,
			      const struct task_list *tl)
{
	if (!st) {
		export_loaded(f, false);
		return;
	}
	export_loaded(f, true);
	family(f, "tmon_info", "gauge", "tmon module version; the value is always 1.");
	fprintf(f, "tmon_info{version=\"");
	prom_label(f, st->version);
	fprintf(f, "\"} 1\n");
	family(f, "tmon_period_seconds", "gauge", "Wakeup period of the per-CPU threads.");
	fprintf(f, "tmon_period_seconds ");
	seconds(f, st->period_ns);
	fputc('\n', f);
	family(f, "tmon_threads", "gauge", "CPUs with a running tmon thread.");
	fprintf(f, "tmon_threads %u\n", st->nr_cpus);
	export_cpus(f, st);
	family(f, "tmon_watched_tasks", "gauge", "Processes on the watch list.");
	fprintf(f, "tmon_watched_tasks %u\n", st->nr_tasks);
	family(f, "tmon_samples", "gauge", "Task samples stored in the history.");
	fprintf(f, "tmon_samples %" PRIu64 "\n", st->samples);
	family(f, "tmon_samples_dropped_total", "counter",
	       "Task samples not taken because no memory was available.");
	fprintf(f, "tmon_samples_dropped_total %" PRIu64 "\n", st->dropped);
	family(f, "tmon_samples_skipped_total", "counter",
	       "Task samples of whole rounds a late sampler passed over.");
	fprintf(f, "tmon_samples_skipped_total %" PRIu64 "\n", st->skipped);
	family(f, "tmon_samples_reclaimed_total", "counter",
	       "Task samples given back to the system by the shrinker.");
	fprintf(f, "tmon_samples_reclaimed_total %" PRIu64 "\n", st->reclaimed);
	family(f, "tmon_ring_lost_total", "counter",
	       "Stream ring records overwritten before a reader read them.");
	fprintf(f, "tmon_ring_lost_total %" PRIu64 "\n", st->ring_lost);
	family(f, "tmon_memory_bytes", "gauge", "Memory used by the module's history.");
	fprintf(f, "tmon_memory_bytes %" PRIu64 "\n", st->mem_bytes);
	export_events(f, st);
	export_task_families(f, tl);
}

/*
 * Write the export to @path whole or not at all: a temporary file beside
 * it, renamed over it, so that node_exporter's textfile collector never
 * reads half a file.
 */
static int export_to_file(const char *path, const struct tmon_status *st,
			  const struct task_list *tl)
{
	char *tmp = NULL;
	FILE *f = NULL;
	int fd, err = 0;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0) {
		tmp = NULL;
		err = -ENOMEM;
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		tmp = NULL;
		goto out;
	}
	/* Readable by the collector's user, as a file created by > is. */
	f = fdopen(fd, "w");
	if (!f || fchmod(fd, 0644)) {
		err = -errno;
		if (!f)
			close(fd);
		goto out;
	}
	export_prometheus(f, st, tl);
	if (fflush(f) || ferror(f) || fsync(fd))
		err = errno ? -errno : -EIO;
out:
	if (f && fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err && tmp)
		unlink(tmp);
	free(tmp);
	if (err)
		error("export: cannot write %s: %s", path, strerror(-err));
	return err ? EXIT_ERR : EXIT_OK;
}

static int export_out(const struct tmon_status *st, const struct task_list *tl)
{
	export_prometheus(stdout, st, tl);
	if (fflush(stdout) || ferror(stdout)) {
		error("export: cannot write the output");
		return EXIT_ERR;
	}
	return EXIT_OK;
}

int cmd_export(int argc, char **argv)
{
	struct task_list tl = { 0 };
	struct tmon_status st;
	const char *file = NULL;
	bool prometheus = false;
	int opt, err;

	while ((opt = cmd_getopt(argc, argv)) != -1) {
		switch (opt) {
		case OPT_PROMETHEUS:
			prometheus = true;
			break;
		case 'o':
			file = optarg;
			if (!*file)
				return usage_error("export", "-o needs a file name");
			break;
		default:
			return getopt_error("export", opt, argv);
		}
	}
	if (optind < argc)
		return usage_error("export", "unexpected argument '%s'", argv[optind]);
	if (!prometheus)
		return usage_error("export", "no format given (--prometheus)");
	err = status_get(&st, true);
	/* Without the module: its absence is exported, and the status is 3. */
	if (err == EXIT_NOMOD) {
		if (file ? export_to_file(file, NULL, NULL) : export_out(NULL, NULL))
			return EXIT_ERR;
		return EXIT_NOMOD;
	}
	if (err)
		return err;
	err = tasks_get(&tl);
	if (!err)
		err = file ? export_to_file(file, &st, &tl) : export_out(&st, &tl);
	free(tl.t);
	status_free(&st);
	return err;
}
