# Without a usable terminal the console refuses (exit 2) and names the
# scriptable commands instead.
. "$PT_TOP_SRCDIR/tests/tui/lib.sh"

out=$(TERM=dumb "$PGTENANT" 2>&1 </dev/null); rc=$?
[ "$rc" -eq 2 ] || fail "no tty: exit $rc, want 2"
echo "$out" | grep -q 'list, roles, create' || fail "names the commands: $out"
# says what is wrong (issue 11, bug 14): stdin, not TERM
out=$(TERM=xterm "$PGTENANT" 2>&1 </dev/null); rc=$?
[ "$rc" -eq 2 ] || fail "stdin not a tty: exit $rc"
echo "$out" | grep -q 'standard input is not a terminal' || fail "the reason: $out"
echo "$out" | grep -q 'TERM' && fail "blames TERM: $out"

# a real terminal but TERM=dumb
cat > "$PT_WORK/dumb.sh" <<EOS
TERM=dumb '$PGTENANT' > '$PT_WORK/out' 2>&1
echo \$? > '$PT_WORK/rc'
EOS
$PT_TMUX new-session -d -x 80 -y 24 "bash $PT_WORK/dumb.sh; sleep 600"
i=0
while [ ! -s "$PT_WORK/rc" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ "$(cat "$PT_WORK/rc")" = 2 ] || fail "TERM=dumb in a tty: exit $(cat "$PT_WORK/rc")"
grep -q 'rotate-password' "$PT_WORK/out" || fail "TERM=dumb message"

# an unknown terminal type
cat > "$PT_WORK/unknown.sh" <<EOS
TERM=no-such-terminal-xyz '$PGTENANT' 2> '$PT_WORK/out2'
echo \$? > '$PT_WORK/rc2'
EOS
$PT_TMUX new-window "bash $PT_WORK/unknown.sh; sleep 600"
i=0
while [ ! -s "$PT_WORK/rc2" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
[ "$(cat "$PT_WORK/rc2")" = 2 ] || fail "unknown TERM: exit $(cat "$PT_WORK/rc2")"
grep -q 'scriptable commands' "$PT_WORK/out2" || fail "unknown TERM message"
grep -q 'no-such-terminal-xyz' "$PT_WORK/out2" || fail "unknown TERM not named"
exit 0
