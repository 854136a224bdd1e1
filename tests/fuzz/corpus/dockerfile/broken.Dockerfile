FROM lockdown-test/busybox:1
RUN true
COPYY a b
