#!/usr/bin/env bash
# How the deep models' work scales with cores: each benchmark runs at 1 and 2
# processors (CPUS), alternating, ROUNDS times in one go, and the table gives
# medians of wall time and CPU time per operation and the wall-time speed-up
# over one processor. On a shared machine the CPU times are the steadier
# figure; the speed-up needs idle cores to mean anything.
#
#   scripts/scaling.sh                 # mlp-256: ∇ₓf, GWG step, training gradient, AIS step, PCD iteration
#   NETS='mlp-256|resnet-64' BENCHTIME=3x scripts/scaling.sh
set -euo pipefail
cpus=${CPUS:-1,2}
rounds=${ROUNDS:-5}
nets=${NETS:-mlp-256}
benchtime=${BENCHTIME:-20x}
list=$(for _ in $(seq "$rounds"); do printf '%s,' "$cpus"; done)
list=${list%,}
out=$(mktemp)
trap 'rm -f "$out" "$out.run"' EXIT
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
bench() {
	go test -run '^$' -bench "$1" -benchtime "$benchtime" -cpu "$list" "$2" >"$out.run"
	grep '^Benchmark' "$out.run" >>"$out" || true # a skipped benchmark has no line
}
bench "GWGStep/($nets)\$|DeepGradX/($nets)\$|DeepContrastiveGrad/($nets)\$" ./ebm/deep
bench "^BenchmarkAIS\$/($nets)/gwg\$" ./gwg
if [[ $nets == *mlp-256* ]]; then
	BENCHTIME=${ITERTIME:-5x} bench 'IterationMLP256$' ./train
fi
# name[-procs] N ns/op ... value unit ...: CPU time is reported as cpu-ms/op
# or cpu-ns/op.
awk -v cpus="$cpus" '
BEGIN { split(cpus, cl, ","); for (i in cl) valid[cl[i]] = 1 }
function median(s,   a, n, i, j, t) {
	n = split(s, a, " ")
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	name = $1; procs = 1
	# Go appends -N to the name when N processors is not 1.
	if (match(name, /-[0-9]+$/) && (substr(name, RSTART + 1) in valid)) { procs = substr(name, RSTART + 1); name = substr(name, 1, RSTART - 1) }
	sub(/^Benchmark/, "", name)
	cpu = ""
	for (i = 4; i < NF; i++) {
		if ($(i + 1) == "cpu-ms/op") cpu = $i
		if ($(i + 1) == "cpu-ns/op") cpu = $i / 1e6
	}
	key = name SUBSEP procs
	wall[key] = wall[key] " " $3 / 1e6
	if (cpu != "") cput[key] = cput[key] " " cpu
	if (!(name in seen)) { seen[name] = 1; order[++n] = name }
	if (!(procs in pseen)) { pseen[procs] = 1; plist[++np] = procs }
}
END {
	printf "%-36s %5s %12s %12s %9s\n", "benchmark", "procs", "wall ms", "CPU ms", "speed-up"
	for (i = 1; i <= n; i++) for (j = 1; j <= np; j++) {
		key = order[i] SUBSEP plist[j]
		if (!(key in wall)) continue
		w = median(wall[key]); c = (key in cput) ? sprintf("%12.3f", median(cput[key])) : sprintf("%12s", "-")
		w1 = median(wall[order[i] SUBSEP 1])
		printf "%-36s %5s %12.3f %s %8.2fx\n", order[i], plist[j], w, c, w1 / w
	}
}' "$out"
