#!/usr/bin/env python3
"""aws_gen.py DIR N — writes an AWS CLI export of N ECS task definitions (one
describe-task-definition document each, 3 containers with environment,
logging, mounts), N/10 services, N/5 ECR repositories with lifecycle and
repository policies (or the CLI's not-found line), and N/50 EKS clusters with
a node group, a launch template version and an add-on, in the shapes the AWS
CLI prints. For bench/aws_scan.sh only: deterministic, no AWS needed."""
import json
import os
import sys

out, n = sys.argv[1], int(sys.argv[2])
acct, region = "111122223333", "us-east-1"
os.makedirs(out, exist_ok=True)


def write(name, doc):
    with open(os.path.join(out, name), "w") as f:
        json.dump(doc, f, indent=2)


for i in range(n):
    fam = f"app{i}"
    containers = []
    for c in range(3):
        containers.append({
            "name": f"c{c}",
            "image": f"{acct}.dkr.ecr.{region}.amazonaws.com/app{i}:{c}.0" + ("" if c else "@sha256:" + "ab" * 32),
            "cpu": 256, "memory": 512, "essential": c == 0,
            "user": "1000" if c != 1 else "root",
            "readonlyRootFilesystem": c != 2, "privileged": i % 97 == 0 and c == 1,
            "environment": [{"name": f"VAR_{k}", "value": f"value-{i}-{k}"} for k in range(8)]
            + ([{"name": "DB_PASSWORD", "value": f"s3cr3t-{i}-x9Qz"}] if i % 13 == 0 else []),
            "secrets": [{"name": "TOKEN", "valueFrom": f"arn:aws:ssm:{region}:{acct}:parameter/t{i}"}],
            "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": f"/ecs/{fam}"}},
            "linuxParameters": {"initProcessEnabled": True, "capabilities": {"add": [], "drop": ["ALL"]}},
            "mountPoints": [{"sourceVolume": "data", "containerPath": "/data", "readOnly": c == 0}],
        })
    td = {"taskDefinitionArn": f"arn:aws:ecs:{region}:{acct}:task-definition/{fam}:3",
          "family": fam, "revision": 3, "status": "ACTIVE", "networkMode": "awsvpc",
          "requiresCompatibilities": ["FARGATE"], "cpu": "1024", "memory": "2048",
          "containerDefinitions": containers,
          "volumes": [{"name": "data", "host": {"sourcePath": f"/srv/{fam}"}}]}
    write(f"td-{i}.json", {"taskDefinition": td, "tags": []})

services = []
for i in range(max(1, n // 10)):
    services.append({
        "serviceArn": f"arn:aws:ecs:{region}:{acct}:service/main/svc{i}", "serviceName": f"svc{i}",
        "clusterArn": f"arn:aws:ecs:{region}:{acct}:cluster/main",
        "taskDefinition": f"arn:aws:ecs:{region}:{acct}:task-definition/app{i}:3",
        "launchType": "FARGATE", "platformVersion": "LATEST", "enableExecuteCommand": i % 7 == 0,
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-1"],
                                 "assignPublicIp": "ENABLED" if i % 5 == 0 else "DISABLED"}}})
write("services.json", {"services": services, "failures": []})
write("clusters.json", {"clusters": [{
    "clusterArn": f"arn:aws:ecs:{region}:{acct}:cluster/main", "clusterName": "main",
    "settings": [{"name": "containerInsights", "value": "enabled"}],
    "configuration": {"executeCommandConfiguration": {"kmsKeyId": "k", "logging": "DEFAULT"}}}],
    "failures": []})

repos = []
for i in range(max(1, n // 5)):
    name = f"repo{i}"
    repos.append({"repositoryArn": f"arn:aws:ecr:{region}:{acct}:repository/{name}",
                  "registryId": acct, "repositoryName": name,
                  "repositoryUri": f"{acct}.dkr.ecr.{region}.amazonaws.com/{name}",
                  "imageTagMutability": "IMMUTABLE" if i % 3 else "MUTABLE",
                  "imageScanningConfiguration": {"scanOnPush": True},
                  "encryptionConfiguration": {"encryptionType": "KMS", "kmsKey": "arn:aws:kms:k"}})
    if i % 4:
        write(f"lifecycle-{name}.json", {"registryId": acct, "repositoryName": name,
              "lifecyclePolicyText": json.dumps({"rules": [{"rulePriority": 1,
                  "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 50},
                  "action": {"type": "expire"}}]})})
    else:
        with open(os.path.join(out, f"lifecycle-{name}.err"), "w") as f:
            f.write(f"An error occurred (LifecyclePolicyNotFoundException) when calling the "
                    f"GetLifecyclePolicy operation: Lifecycle policy does not exist for the repository "
                    f"with name '{name}' in the registry with id '{acct}'\n")
    write(f"policy-{name}.json", {"registryId": acct, "repositoryName": name, "policyText": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{acct}:root"}, "Action": ["ecr:BatchGetImage"]}]})})
write("repositories.json", {"repositories": repos})

for i in range(max(1, n // 50)):
    name = f"eks{i}"
    write(f"eks-{name}.json", {"cluster": {
        "name": name, "arn": f"arn:aws:eks:{region}:{acct}:cluster/{name}", "version": "1.33",
        "resourcesVpcConfig": {"endpointPublicAccess": False, "endpointPrivateAccess": True},
        "logging": {"clusterLogging": [{"types": ["api", "audit", "authenticator"], "enabled": True}]},
        "encryptionConfig": [{"resources": ["secrets"], "provider": {"keyArn": "arn:aws:kms:k"}}]}})
    write(f"ng-{name}.json", {"nodegroup": {
        "nodegroupName": "ng", "clusterName": name,
        "nodegroupArn": f"arn:aws:eks:{region}:{acct}:nodegroup/{name}/ng/x",
        "launchTemplate": {"id": f"lt-{i:08x}", "version": "1"}}})
    write(f"lt-{name}.json", {"LaunchTemplateVersions": [{
        "LaunchTemplateId": f"lt-{i:08x}", "LaunchTemplateName": f"lt{i}", "VersionNumber": 1,
        "DefaultVersion": True,
        "LaunchTemplateData": {"MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 1}}}]})
