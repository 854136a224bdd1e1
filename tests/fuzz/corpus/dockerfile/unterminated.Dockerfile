FROM lockdown-test/busybox:1
RUN <<EOF
echo never closed
