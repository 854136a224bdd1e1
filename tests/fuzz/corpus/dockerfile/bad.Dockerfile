# Every rule but remote ADD fails somewhere in this file, and it still builds
# offline: apt-get and sudo are shell shims, nothing is downloaded or installed.
FROM lockdown-test/busybox:1 AS tools
RUN printf '#!/bin/sh\necho "shim: $0 $*"\n' > /bin/apt-get \
 && cp /bin/apt-get /bin/sudo && chmod 755 /bin/apt-get /bin/sudo

FROM lockdown-test/df-lint-base AS final
COPY --from=tools /bin/apt-get /bin/sudo /usr/local/bin/
ENV PATH=/usr/local/bin:/bin \
    DB_PASSWORD=correct-horse-battery-staple
RUN apt-get update
RUN apt-get update && apt-get install -y curl sudo
RUN sudo -u nobody id || true
RUN wget -qO- http://127.0.0.1:9/install.sh | sh || true
RUN wget --no-check-certificate -q -O /dev/null http://127.0.0.1:9/ || true
ADD app.txt /app/app.txt
RUN mkdir -p /data && chmod 777 /data
EXPOSE 22 8080
USER root
