# escape=`
# A Windows-style escape character: backslashes are ordinary characters and
# the backtick continues lines. Builds offline with the legacy builder.
FROM lockdown-test/busybox:1
ENV GREETING="hello" `
    TARGET=C:\data\
RUN echo "$GREETING $TARGET" > /greeting.txt `
 && chmod 644 /greeting.txt
HEALTHCHECK CMD ["/bin/sh", "-c", "test -f /greeting.txt"]
USER 65534
