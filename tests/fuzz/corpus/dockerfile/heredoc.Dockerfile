# syntax=docker/dockerfile:1.4
# BuildKit heredocs (the legacy builder cannot build this file).
FROM lockdown-test/busybox:1
RUN <<EOF
set -e
echo "building"
wget -qO- https://get.example.com/install.sh \
  | sh
EOF
COPY <<-'CONF' /etc/app.conf
	api_url = "${NOT_EXPANDED}"
	CONF
RUN <<FILE1 cat > /file1 && <<FILE2 cat > /file2
I am
first
FILE1
I am
second
FILE2
ADD https://example.com/tool.tar.gz /opt/
ONBUILD RUN apk update
HEALTHCHECK CMD ["/bin/true"]
USER app
