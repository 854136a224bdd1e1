/* The EC2 query API's XML answers that the live path reads, turned into
 * the JSON the AWS CLI prints for them: DescribeLaunchTemplateVersions
 * (for the EKS IMDSv2 check) and the <Response><Errors> error document.
 * Parsed with libxml2 with no network access, no entity substitution and
 * no DTD loading (a document carrying a DTD is refused), bounded in size
 * (nesting: libxml2's own limit without XML_PARSE_HUGE; the walk reads
 * fixed paths). Only the members the
 * checks read are converted: the launch template's id, name, version
 * number, default flag and LaunchTemplateData.MetadataOptions (HttpTokens,
 * HttpPutResponseHopLimit, HttpEndpoint). Not an EC2 client. */
#ifndef LD_AWS_EC2_XML_H
#define LD_AWS_EC2_XML_H

#include <jansson.h>
#include <stddef.h>

#include "core/error.h"

#define LD_EC2_XML_MAX ((size_t)16 << 20)
#define LD_EC2_XML_VERSIONS_MAX ((size_t)100000)

/* {"LaunchTemplateVersions": [...]} (the CLI's shape, members absent in
 * the XML left out) from a DescribeLaunchTemplateVersionsResponse; *next:
 * its nextToken (new string) or NULL. Returns the new document, or NULL
 * with err set (LD_ERR_CORRUPT: not XML, not that response, a number that
 * is not one; LD_ERR_LIMIT: over the size, depth or count limits). name
 * prefixes messages. */
json_t *ld_ec2_launch_template_versions(const char *name, const char *xml, size_t len, char **next,
                                        ld_error *err);

/* The first <Errors><Error>'s Code and Message of an EC2 error answer
 * (raw text, new strings, NULL when absent or not such a document). */
void ld_ec2_xml_error(const char *xml, size_t len, char **code, char **message);

#endif
