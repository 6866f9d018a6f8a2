#!/usr/bin/env bash
# slurm.sh - docker/slurm/grade.sbatch on a real Slurm. Debian's munged,
# slurmctld and slurmd are started here as a one-node cluster of our own;
# a small deadlock class is submitted as the template's header says (an
# array job, then the merge as a job depending on it), and the merged
# grades.csv must equal one unsharded `grader batch`. An array that is not
# numbered 1-N must be refused by each of its tasks.
#
# The cluster is the test's alone: its config, munge key and socket, state,
# spool, pid and log files are in a temporary directory, its ports are free
# ones, so a Slurm already set up on the machine is not touched. Every
# daemon started here is stopped, and the directory removed, on exit; the
# daemons' and jobs' logs are kept in build/selftest/slurm.
#
# Skipped, with the reason, where Slurm cannot start (not root, packages
# missing: grader/deps.sh install cluster), unless OSLABS_REQUIRE_SLURM=1
# (CI sets it), which makes that a failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/selftest/lib.sh

O=$OUT/slurm
rm -rf "$O" && mkdir -p "$O"
JOB_TIMEOUT=${OSLABS_SLURM_TIMEOUT:-180} # seconds for all the jobs to end
TEMPLATE=docker/slurm/grade.sbatch
MUTANTS="negative-balance reset-keeps-edges"

cannot_start() {
    skip_or_fail SLURM "a real one-node Slurm" "$1" "${2:-}"
    finish
    exit $?
}

[ "$(id -u)" -eq 0 ] ||
    cannot_start "not root (the daemons run as root here)" "sudo tests/selftest/slurm.sh"
PATH=$PATH:/usr/sbin:/sbin # the daemons
missing=""
for c in munged mungekey munge slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
    command -v "$c" >/dev/null || missing="$missing $c"
done
[ -z "$missing" ] || cannot_start "missing:$missing" "grader/deps.sh install cluster"

# The configuration and munge key of a Slurm set up here: the test must leave
# them as they were. (Not /var or /run: a Slurm running here writes there.)
system_paths() {
    find /etc/slurm /etc/munge -maxdepth 2 -printf '%p %s %T@\n' 2>/dev/null | sort
}
system_paths >"$O/system-before"

# munge's socket path must be short and every directory above it searchable
T=$(mktemp -d /tmp/oslabs-slurm.XXXXXX) && chmod 755 "$T"
export SLURM_CONF=$T/slurm.conf
PIDS=() # the daemons started here
JOBS=() # the jobs submitted here

# Cancel our jobs, stop our daemons (SIGTERM, then SIGKILL after 10 s),
# keep the logs, remove the directory. Run again on exit: does nothing then.
stop_cluster() {
    local pid i
    [ -d "$T" ] || return 0
    if [ ${#JOBS[@]} -gt 0 ]; then
        scancel "${JOBS[@]}" >/dev/null 2>&1
        for i in $(seq 20); do
            [ -z "$(squeue -h -j "$(IFS=,; echo "${JOBS[*]}")" 2>/dev/null)" ] && break
            sleep 0.5
        done
    fi
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
        kill "${PIDS[$i]}" 2>/dev/null
    done
    for pid in "${PIDS[@]}"; do
        for i in $(seq 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    PIDS=()
    cp "$T"/*.log "$T"/jobs/*.log "$O/" 2>/dev/null
    rm -rf "$T"
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM

# free_ports N: N TCP ports free on this machine now
free_ports() {
    python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# wait_for SECONDS COMMAND...: 0 once COMMAND succeeds, 1 if it never did
wait_for() {
    local deadline=$(($(date +%s) + $1))
    shift
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.5
    done
}

munge_works() {
    munge -n -S "$T/munge/socket" | unmunge -S "$T/munge/socket"
}

node_idle() {
    [ "$(sinfo -h -n "$NODE" -o %T 2>/dev/null)" = idle ]
}

write_config() {
    local mem
    # the template asks for --mem=4G; memory is not enforced here (no cgroup
    # plugin), so a smaller machine may claim 4 GiB
    mem=$(awk '/^MemTotal:/ { m = int($2 / 1024); print (m < 4096 ? 4096 : m) }' /proc/meminfo)
    read -r ctld_port slurmd_port <<<"$(free_ports 2)"
    cat >"$SLURM_CONF" <<EOF
# a one-node cluster of tests/selftest/slurm.sh
ClusterName=oslabs-selftest
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
AuthInfo=socket=$T/munge/socket
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
PlugStackConfig=$T/plugstack.conf
MailProg=/bin/true
# no cgroups: processes tracked by their parents, no task containment
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
SchedulerType=sched/builtin
# the node is what this file says, whatever the hardware
SlurmdParameters=config_overrides
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=2 RealMemory=$mem State=UNKNOWN
PartitionName=selftest Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
    : >"$T/plugstack.conf"
}

start_cluster() {
    mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/jobs"
    chmod 755 "$T/munge"
    mungekey --create --keyfile="$T/munge/munge.key" >"$T/mungekey.log" 2>&1 ||
        cannot_start "mungekey failed (see $O/mungekey.log)"
    munged -F --socket="$T/munge/socket" --key-file="$T/munge/munge.key" \
        --pid-file="$T/munge/munged.pid" --seed-file="$T/munge/munged.seed" \
        --log-file="$T/munged.log" >"$T/munged-stderr.log" 2>&1 &
    PIDS+=($!)
    wait_for 10 munge_works || cannot_start "munged did not start (see $O/munged.log)"
    write_config
    slurmctld -D -c -f "$SLURM_CONF" >"$T/slurmctld-stderr.log" 2>&1 &
    PIDS+=($!)
    slurmd -D -N "$NODE" -f "$SLURM_CONF" >"$T/slurmd-stderr.log" 2>&1 &
    PIDS+=($!)
    wait_for 30 node_idle ||
        cannot_start "node $NODE not idle after 30 s: $(sinfo -h -o '%T %E' 2>&1 | head -1)" \
            "see $O/slurm*.log"
}

# The class: the solution, the skeleton, one that does not compile, mutants.
generate() {
    local d=$1 m
    mkdir -p "$d"
    cp -r solutions/deadlock "$d/a-solution"
    cp -r skeletons/deadlock "$d/b-skeleton"
    cp -r solutions/deadlock "$d/c-broken"
    echo 'this does not compile' >>"$d/c-broken/bank.c"
    for m in $MUTANTS; do
        mkdir -p "$d/m-$m" && cp -r solutions/deadlock/. "$d/m-$m/"
        patch -s -p1 -N -d "$d/m-$m" <"tests/mutants/deadlock/$m.patch" >/dev/null ||
            bad "mutant $m applies"
    done
}

# job_field JOBID FIELD: FIELD=VALUE of each of the job's records (one per
# array task), as "TASK VALUE" lines ("-" as TASK for a job not an array)
job_field() {
    scontrol -o show job "$1" 2>/dev/null | while read -r rec; do
        task=$(grep -o ' ArrayTaskId=[^ ]*' <<<" $rec" | cut -d= -f2)
        echo "${task:--} $(grep -o " $2=[^ ]*" <<<" $rec" | cut -d= -f2-)"
    done | sort
}

start=$(date +%s)
NODE=$(hostname -s)
generate "$T/subs"
n=$(find "$T/subs" -mindepth 1 -maxdepth 1 | wc -l)
# --allow-partial, in both runs: on a machine without SCHED_FIFO or ptrace
# the class is still graded, marked partial
$GRADER batch deadlock "$T/subs" --out "$T/whole" --local --jobs 2 --allow-partial --trust-submissions \
    >"$O/whole.txt" 2>&1
expect_eq "one unsharded batch of $n deadlock submissions ($(($(date +%s) - start)) s)" 0 $?
expect_eq "  ... grades every one" "$n" "$(($(wc -l <"$T/whole/grades.csv") - 1))"

t0=$(date +%s)
start_cluster
ok "a one-node cluster: munged, slurmctld, slurmd; $NODE idle ($(($(date +%s) - t0)) s)"

echo "the template as its header says: an array job, the merge depending on it"
t0=$(date +%s)
# from the kit (the template finds it there), the logs written in $T/jobs
jid=$(sbatch --parsable --chdir="$T/jobs" --array=1-3 \
    --export="ALL,LAB=deadlock,SUBMISSIONS=$T/subs,RESULTS=$T/results,GRADER_ARGS=--allow-partial --trust-submissions" \
    "$TEMPLATE" 2>"$O/sbatch.txt")
expect_eq "sbatch --array=1-3 is accepted" 0 $?
JOBS+=("$jid")
mid=$(sbatch --parsable --chdir="$T/jobs" --dependency="afterany:$jid" \
    --output='oslabs-merge-%j.log' \
    --export="ALL,RESULTS=$T/results,MERGE=1" "$TEMPLATE" 2>>"$O/sbatch.txt")
expect_eq "the merge job, --dependency=afterany:$jid, is accepted" 0 $?
JOBS+=("$mid")
# an array from 0: each task must refuse it, not grade a wrong shard
zid=$(sbatch --parsable --chdir="$T/jobs" --array=0-2 \
    --export="ALL,LAB=deadlock,SUBMISSIONS=$T/subs,RESULTS=$T/from-zero" \
    "$TEMPLATE" 2>>"$O/sbatch.txt")
JOBS+=("$zid")

# pending or running: squeue lists them; once every one has ended, nothing
jobs_ended() {
    [ -z "$(squeue -h -j "$jid,$mid,$zid" 2>/dev/null)" ]
}
if wait_for "$JOB_TIMEOUT" jobs_ended; then
    ok "every job ended ($(($(date +%s) - t0)) s)"
else
    bad "the jobs did not end in $JOB_TIMEOUT s:" \
        "$(squeue -h -j "$jid,$mid,$zid" -o '%i %T %r' | xargs)"
fi

expect_eq "the three array tasks completed, exit 0" \
    "1 COMPLETED 0:0|2 COMPLETED 0:0|3 COMPLETED 0:0" \
    "$(join <(job_field "$jid" JobState) <(job_field "$jid" ExitCode) | paste -sd'|')"
expect_eq "the merge job completed, exit 0" "- COMPLETED 0:0" \
    "$(join <(job_field "$mid" JobState) <(job_field "$mid" ExitCode))"
last_end=$(job_field "$jid" EndTime | awk '{print $2}' | sort | tail -1)
merge_start=$(job_field "$mid" StartTime | awk '{print $2}')
check "the merge started after the last task ended ($merge_start >= $last_end)" \
    test -n "$last_end" -a ! "$merge_start" \< "$last_end"
for i in 1 2 3; do
    check "task $i: its log is where the template's --output says" \
        test -s "$T/jobs/oslabs-grade-${jid}_$i.log"
done
check "the merge's log is where its --output says" test -s "$T/jobs/oslabs-merge-$mid.log"
rows=0
for i in 1 2 3; do
    [ -f "$T/results/shard-$i/grades.csv" ] &&
        rows=$((rows + $(wc -l <"$T/results/shard-$i/grades.csv") - 1))
done
expect_eq "the three shards graded the $n students between them" "$n" "$rows"
diff "$T/whole/grades.csv" "$T/results/merged/grades.csv" >"$O/grades.diff" 2>&1
check "the merged grades.csv equals the unsharded batch's (see $O/grades.diff)" \
    test ! -s "$O/grades.diff"

expect_eq "an array from 0: each task fails" "0 FAILED|1 FAILED|2 FAILED" \
    "$(job_field "$zid" JobState | paste -sd'|')"
check "  ... saying to number it 1-N" grep -q -- "--array=1-N" "$T/jobs/oslabs-grade-${zid}_0.log"
check "  ... and grades nothing" test ! -e "$T/from-zero"

echo "cleanup"
dir=$T
stop_cluster
left=$(pgrep -f -- "$dir" | xargs)
expect_eq "no daemon or job of the test lives on" "" "$left"
check "its temporary directory is gone" test ! -e "$dir"
system_paths >"$O/system-after"
check "the machine's Slurm configuration and munge key are as they were" \
    cmp -s "$O/system-before" "$O/system-after"
echo "  ($(($(date +%s) - start)) s in all)"
finish
