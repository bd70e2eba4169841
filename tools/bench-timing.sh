# Timing helpers the tools/bench-*.sh scripts source: a command's wall time, the median of a column
# of numbers, and the CPU's AVX-512 extensions (every throughput is reported with its ISA).

# Wall seconds of a command, its output discarded.
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc -l; }
# The median of the numbers on standard input, one per line.
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# This CPU's AVX-512 extensions, space-separated (empty: none).
avx512_extensions() { grep -o 'avx512[a-z]*' /proc/cpuinfo | sort -u | tr '\n' ' '; }
