ARG TAG=1
FROM busybox:${TAG:-2} AS b
ENV A=1 B="${A:+x}" C=${A%1}
ONBUILD RUN echo
HEALTHCHECK NONE
FROM b
COPY --from=b ["a", "b"]
EXPOSE 20-30/udp
USER 0
