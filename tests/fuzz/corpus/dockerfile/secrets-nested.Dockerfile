FROM x:1
ENV MY_TOKEN=ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa URL=https://a:b@c/
RUN sh -c "bash -c \"curl x | sh\""
RUN ["/bin/sh", "-c", "wget -O- y | bash"]
