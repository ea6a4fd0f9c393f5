package main

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gwg-go/gwg/gwg"
)

// TestShardJobFiles checks the job files in docs/eval-shards against the
// command: their eval settings parse as gwg eval flags, the run has at least
// as many blocks as the files start shards, and the Slurm array, the
// Kubernetes completions and the --shard count agree.
func TestShardJobFiles(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile("../../docs/eval-shards/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	slurm, k8s, merge := read("slurm-eval.sbatch"), read("k8s-eval.yaml"), read("k8s-merge.yaml")
	find := func(where, re, text string) string {
		m := regexp.MustCompile(re).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("%s: no match for %s", where, re)
		}
		return m[1]
	}
	slurmArgs := find("slurm", `GWG_EVAL_ARGS:=([^}]*)\}`, slurm)
	k8sArgs := find("k8s", `GWG_EVAL_ARGS: "([^"]*)"`, k8s)
	if slurmArgs != k8sArgs {
		t.Errorf("Slurm settings %q, Kubernetes %q", slurmArgs, k8sArgs)
	}
	tasks, _ := strconv.Atoi(find("slurm", `--array=0-(\d+)`, slurm))
	tasks++
	completions, _ := strconv.Atoi(find("k8s", `completions: (\d+)`, k8s))
	parallelism, _ := strconv.Atoi(find("k8s", `parallelism: (\d+)`, k8s))
	shardN := find("k8s", `--shard "\$JOB_COMPLETION_INDEX/(\d+)"`, k8s)
	outN := find("k8s", `shard-\$JOB_COMPLETION_INDEX-of-(\d+)\.json`, k8s)
	mergeN := find("k8s merge", `shard-\*-of-(\d+)\.json`, merge)
	if strconv.Itoa(completions) != shardN || shardN != outN || outN != mergeN || parallelism != completions || tasks != completions {
		t.Errorf("shard counts disagree: Slurm array %d, completions %d, parallelism %d, --shard /%s, files -of-%s, merge -of-%s",
			tasks, completions, parallelism, shardN, outN, mergeN)
	}
	for _, want := range []string{"completionMode: Indexed", "restartPolicy: Never", "claimName: gwg-eval"} {
		if !strings.Contains(k8s, want) {
			t.Errorf("k8s-eval.yaml lacks %q", want)
		}
	}

	fs := newFlagSet("eval", "", os.Stderr)
	s := evalSettings{}
	fs.IntVar(&s.Temperatures, "temperatures", 0, "")
	fs.IntVar(&s.Chains, "chains", 0, "")
	fs.IntVar(&s.Repeats, "repeats", 0, "")
	fs.IntVar(&s.Block, "block", 0, "")
	fs.Uint64Var(&s.Seed, "seed", 0, "")
	if err := fs.Parse(strings.Fields(slurmArgs)); err != nil {
		t.Fatalf("job settings %q: %v", slurmArgs, err)
	}
	blocks, err := gwg.AISBlocks(gwg.AISOptions{Temperatures: s.Temperatures, Chains: s.Chains, Repeats: s.Repeats, Block: s.Block})
	if err != nil {
		t.Fatal(err)
	}
	if blocks < tasks {
		t.Errorf("%d shards of a run of %d blocks", tasks, blocks)
	}
	if s.Temperatures < 100000 || s.Chains*s.Repeats < 500 {
		t.Errorf("job settings %q are not the paper's evaluation (≥ 100k temperatures, ≥ 500 chains)", slurmArgs)
	}
}
