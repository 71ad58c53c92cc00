#!/bin/sh
# Runs a command and prints its peak anonymous memory and peak mapped-file memory, sampled
# from /proc/PID/status every 0.2 s (peak RSS, as /usr/bin/time reports it, adds the two and
# counts the index files tantivy maps while merging).
#   benches/memwatch.sh target/release/imr index --index /tmp/idx /tmp/imr-scale/corpus-100000-s1
"$@" &
pid=$!
anon=0
file=0
while kill -0 "$pid" 2>/dev/null; do
    a=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null)
    f=$(awk '/^RssFile/ {print $2}' "/proc/$pid/status" 2>/dev/null)
    [ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a
    [ -n "$f" ] && [ "$f" -gt "$file" ] && file=$f
    sleep 0.2
done
wait "$pid"
status=$?
echo "memwatch: peak RssAnon $((anon / 1024)) MB, peak RssFile $((file / 1024)) MB" >&2
exit $status
