Package: base-files
Version: 12.4+deb12u5
Architecture: amd64
Maintainer: Santiago Vila <sanvila@debian.org>
