/* AWS version data (data/aws-versions.yaml, compiled in): Amazon EKS
 * Kubernetes versions with their release, end of standard support and end
 * of extended support dates, and the current Fargate platform versions per
 * OS family. Facts with their sources in the data file; the file records
 * the date it was written, and a judgement on data older than 6 months at
 * run time is "needs review", never passed. */
#ifndef LD_AWS_AWS_VERSIONS_H
#define LD_AWS_AWS_VERSIONS_H

#include <stdbool.h>
#include <time.h>

#include "core/error.h"

typedef struct {
    char *version;          /* "1.31" */
    time_t released;        /* 0: not known */
    time_t end_standard;    /* end of standard support */
    time_t end_extended;    /* end of extended support */
} ld_eks_version;

typedef struct {
    char *os_family;  /* "LINUX", "WINDOWS_SERVER" (platformFamily values) */
    char *current;    /* "1.4.0" */
    char *deprecated; /* versions still accepted but retired, comma list ("1.3.0,1.2.0,..."); may be NULL */
} ld_fargate_platform;

typedef struct {
    time_t written; /* the date the data was last brought up to date */
    /* the date each part's source was current (older than written when the
     * sources lag behind): judge the data's age by these, not by written */
    time_t eks_as_of;
    time_t fargate_as_of;
    ld_eks_version *eks;
    size_t n_eks;
    ld_fargate_platform *fargate;
    size_t n_fargate;
} ld_aws_versions;

/* The built-in data (parsed once, never freed); NULL with err set if the
 * compiled-in file is broken (a build defect). */
const ld_aws_versions *ld_aws_versions_builtin(ld_error *err);
/* Parses a data file (tests, fuzzing). Caller frees with ld_aws_versions_free. */
ld_aws_versions *ld_aws_versions_parse(const char *name, const char *buf, size_t len,
                                       ld_error *err);
void ld_aws_versions_free(ld_aws_versions *v);

/* The EKS version "1.31" (a "1.31.x"/"v1.31" form is reduced); NULL if unknown. */
const ld_eks_version *ld_aws_eks_version(const ld_aws_versions *v, const char *version);
/* The Fargate platform data of an OS family (NULL: LINUX). */
const ld_fargate_platform *ld_aws_fargate_platform(const ld_aws_versions *v,
                                                   const char *os_family);

#endif
