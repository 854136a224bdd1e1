FROM x:1
RUN apt-get update \ 
  # c

  && apt-get install -y --no-install-recommends a=1 b
RUN <<A <<-B
sudo x
A
	chmod o+w /x
	B
