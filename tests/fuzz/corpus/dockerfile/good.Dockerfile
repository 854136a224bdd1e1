# syntax=docker/dockerfile:1
# A well-behaved multi-stage build: every lint rule passes (with a policy
# trusting docker.io/lockdown-test). Builds offline with the legacy builder.
ARG BASE=lockdown-test/busybox
ARG TAG=1

FROM ${BASE}:${TAG} AS build
ARG TAG
ENV APP_HOME=/opt/app \
    # comment lines inside a continuation are skipped
    APP_VERSION=v${TAG}
RUN mkdir -p "$APP_HOME" \
 && echo "version $APP_VERSION" > "$APP_HOME/version.txt" \
 && chmod 0755 "$APP_HOME"

from ${BASE}:${TAG}
COPY --from=build /opt/app /opt/app
ENV APP_HOME=/opt/app
WORKDIR $APP_HOME
EXPOSE 8080/tcp
HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/sh", "-c", "test -f /opt/app/version.txt"]
ARG APP_UID=1000
USER ${APP_UID}:${APP_UID}
CMD ["/bin/sh", "-c", "cat /opt/app/version.txt"]
