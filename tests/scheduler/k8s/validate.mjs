// Checks the Kubernetes manifests of docs/bulk-extraction/kubernetes without a cluster:
// 1. every document is validated against the Kubernetes API's OpenAPI schema for its apiVersion/kind (kubernetes-models:
//    types, enums, required fields; like the API server it does not reject unknown fields, so 2. covers the ones we use);
// 2. the recipe holds together: the Indexed Job's --shard-count equals its completions, its --output has a {shard}
//    placeholder, merge reads the same shards and count, every volumeMount names a volume, every claim is declared.
// Prints one line per document and exits 1 on any problem.
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const folder = process.argv[2] ?? join(here, "../../../docs/bulk-extraction/kubernetes");
const groups = { v1: "v1", "batch/v1": "batch/v1" };
const problems = [];
const documents = [];

for (const file of readdirSync(folder).filter((f) => f.endsWith(".yaml")).sort()) {
  for (const doc of parseAllDocuments(readFileSync(join(folder, file), "utf8"))) {
    if (doc.errors.length > 0) {
      problems.push(`${file}: YAML error: ${doc.errors[0].message}`);
      continue;
    }
    const object = doc.toJS();
    const where = `${file}: ${object?.kind ?? "?"} ${object?.metadata?.name ?? "?"}`;
    const module = groups[object?.apiVersion];
    if (!module) {
      problems.push(`${where}: apiVersion '${object?.apiVersion}' is not one this check knows`);
      continue;
    }
    const models = await import(`kubernetes-models/${module}`);
    const Model = models[object.kind];
    if (!Model) {
      problems.push(`${where}: no kind '${object.kind}' in ${module}`);
      continue;
    }
    try {
      new Model(object).validate();
      documents.push({ file, where, object });
      console.log(`${where}: valid`);
    } catch (error) {
      problems.push(`${where}: ${error.message}`);
    }
  }
}

const argValue = (args, name) => {
  const hit = args.find((a) => a.startsWith(`${name}=`));
  return hit === undefined ? undefined : hit.slice(name.length + 1);
};
const claims = new Set(documents.filter((d) => d.object.kind === "PersistentVolumeClaim").map((d) => d.object.metadata.name));
const jobs = documents.filter((d) => d.object.kind === "Job");
for (const { where, object } of jobs) {
  const pod = object.spec.template.spec;
  const volumes = new Set((pod.volumes ?? []).map((v) => v.name));
  for (const volume of pod.volumes ?? []) {
    if (volume.persistentVolumeClaim && !claims.has(volume.persistentVolumeClaim.claimName)) {
      problems.push(`${where}: volume '${volume.name}' uses claim '${volume.persistentVolumeClaim.claimName}', which no manifest declares`);
    }
  }
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    for (const mount of container.volumeMounts ?? []) {
      if (!volumes.has(mount.name)) problems.push(`${where}: container '${container.name}' mounts '${mount.name}', which is not a volume of the pod`);
    }
  }
}
const extract = jobs.find((d) => d.object.spec.completionMode === "Indexed");
const merge = jobs.find((d) => d.object.spec.template.spec.containers[0].args?.[0] === "merge");
if (!extract) problems.push("no Indexed Job (completionMode: Indexed) found");
if (!merge) problems.push("no merge Job found");
if (extract && merge) {
  const args = extract.object.spec.template.spec.containers[0].args;
  const mergeArgs = merge.object.spec.template.spec.containers[0].args;
  const count = Number(argValue(args, "--shard-count"));
  if (argValue(args, "--shard") !== "auto") problems.push(`${extract.where}: --shard=auto is missing`);
  if (count !== extract.object.spec.completions) problems.push(`${extract.where}: --shard-count=${count} but completions is ${extract.object.spec.completions}`);
  if (!/\{shard(:\d+)?\}/.test(argValue(args, "--output") ?? "")) problems.push(`${extract.where}: --output has no {shard} placeholder`);
  if (argValue(mergeArgs, "--shards") !== argValue(args, "--output")) problems.push(`${merge.where}: --shards is not the extract Job's --output`);
  if (Number(argValue(mergeArgs, "--shard-count")) !== count) problems.push(`${merge.where}: --shard-count differs from the extract Job's`);
  if (argValue(mergeArgs, "--input") !== argValue(args, "--input")) problems.push(`${merge.where}: --input differs from the extract Job's`);
}

for (const problem of problems) console.error(`k8s-validate: ${problem}`);
console.log(problems.length === 0
  ? `k8s-validate: ${documents.length} documents valid against the Kubernetes schemas; the recipe is consistent`
  : `k8s-validate: ${problems.length} problem(s)`);
process.exit(problems.length === 0 ? 0 : 1);
