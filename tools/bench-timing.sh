# Timing helpers the tools/bench-*.sh scripts source: a command's wall time, the median of a column
# of numbers, and the CPU's AVX-512 extensions (every throughput is reported with its ISA).

# Wall seconds of a command, its output discarded; a command that fails stops the benchmark with its
# last line of errors (a failed run would otherwise time as a fast one).
seconds() {
    local start end log
    log=$(mktemp)
    start=$(date +%s.%N)
    if ! "$@" >/dev/null 2>"$log"; then echo "failed: $* ($(tail -1 "$log"))" >&2; rm -f "$log"; return 1; fi
    end=$(date +%s.%N)
    rm -f "$log"
    echo "$end - $start" | bc -l
}
# The median of the numbers on standard input, one per line.
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# This CPU's AVX-512 extensions, space-separated (empty: none).
avx512_extensions() { grep -o 'avx512[a-z]*' /proc/cpuinfo | sort -u | tr '\n' ' '; }
