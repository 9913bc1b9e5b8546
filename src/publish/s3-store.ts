/**
 * The S3 store, through the official AWS SDK (loaded only when publishing to s3://). Credentials and
 * region come from the SDK's default chain: environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN, AWS_REGION), shared config and credentials files (AWS_PROFILE), SSO, web
 * identity and instance or container roles. Never from a flag.
 *
 * Integrity: every request carries Content-MD5 (single PUT and each part), which AWS and
 * S3-compatible stores check, and SigV4 signs the payload's SHA-256. The SDK's newer CRC32 trailers
 * are off (`WHEN_REQUIRED`) because several S3-compatible stores refuse them.
 * No replacement: `If-None-Match: *` on PutObject and CompleteMultipartUpload; a store that does not
 * support conditional writes (501 NotImplemented) gets a plain write after the existence check.
 */
import type { S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { requirePackage } from "../package-files.js";
import { storedLocation, type PublishTarget } from "./target.js";
import { interrupted, md5Base64, networkCode, storeError, type BundleStore, type CreateOutcome, type StoreOptions } from "./store.js";

/** Above this size, upload in parts: a dropped connection costs one part, not the whole bundle. */
export const MULTIPART_THRESHOLD = 16 * 1024 * 1024;
/** S3's smallest part (except the last) is 5 MiB. */
export const PART_SIZE = 8 * 1024 * 1024;

type SdkError = S3ServiceException & { Code?: string; code?: string };

const CREDENTIAL_ERRORS = new Set(["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken", "InvalidToken", "TokenRefreshRequired", "AllAccessDisabled", "InvalidClientTokenId"]);

export async function openS3Store(target: PublishTarget & { kind: "s3" }, options: StoreOptions): Promise<BundleStore> {
  // Not import(): the CLI bundle keeps the SDK external and runs as a script, where only require can
  // load it; the single executable carries it as an asset (scripts/bundle-cli.mjs, package-sea.mjs).
  const sdk = requirePackage("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
  // The SDK reads AWS_ENDPOINT_URL_S3 itself, but path-style must follow it as it follows --endpoint.
  const endpoint = options.endpoint ?? (process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL || undefined);
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? (endpoint ? "us-east-1" : undefined);
  const client: S3Client = new sdk.S3Client({
    ...(region && { region }),
    ...(endpoint && { endpoint }),
    forcePathStyle: options.pathStyle ?? endpoint !== undefined,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const { bucket, prefix } = target;
  const key = (name: string) => `${prefix}${name}`;
  const where = (name: string) => storedLocation(target, name);

  const { signal } = options;
  const translate = (err: unknown, action: string, name: string): Error => {
    if (signal?.aborted) return interrupted();
    const e = err as SdkError;
    const code = e?.name ?? e?.Code;
    const status = e?.$metadata?.httpStatusCode;
    const what = `${action} ${where(name)}`;
    if (code === "CredentialsProviderError" || /Could not load credentials/i.test(e?.message ?? "")) {
      return storeError("credentials", `${what}: no AWS credentials found`, {
        hint: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or AWS_PROFILE, in the environment",
        cause: err,
      });
    }
    if (/Region is missing/i.test(e?.message ?? "")) return storeError("store", `${what}: no AWS region`, { hint: "set AWS_REGION in the environment", cause: err });
    // A HEAD answer has no body, so the SDK names no error code ("Unknown"): the status says it.
    const answer = [code && code !== "Unknown" ? code : undefined, status ? `HTTP ${status}` : undefined].filter(Boolean).join(", ");
    if (CREDENTIAL_ERRORS.has(code) || status === 401 || status === 403) {
      return storeError("credentials", `${what}: the store refused the credentials (${answer})`, {
        hint: "check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE and the bucket policy (s3:PutObject, s3:GetObject on the prefix)",
        cause: err,
      });
    }
    const net = networkCode(err);
    if (net || !status) return storeError("network", `${what} failed: ${net ?? e?.message ?? String(err)}`, { cause: err });
    if (code === "NoSuchBucket") return storeError("store", `${what}: the bucket ${bucket} does not exist`, { cause: err });
    return storeError("store", `${what}: the store answered ${answer}`, { cause: err });
  };
  const send = async <T>(action: string, name: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw translate(err, action, name);
    }
  };
  const isStatus = (err: unknown, status: number) => (err as SdkError)?.$metadata?.httpStatusCode === status;

  const getBytes = async (name: string): Promise<Buffer> =>
    send("GET", name, async () => {
      const res = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key(name) }), { abortSignal: signal });
      return Buffer.from(await res.Body!.transformToByteArray());
    });

  const putSingle = async (name: string, data: Buffer, conditional: boolean): Promise<void> => {
    await client.send(
      new sdk.PutObjectCommand({
        Bucket: bucket,
        Key: key(name),
        Body: data,
        ContentMD5: md5Base64(data),
        ContentType: "application/zip",
        ...(conditional && { IfNoneMatch: "*" }),
      }),
      { abortSignal: signal },
    );
  };

  const putMultipart = async (name: string, data: Buffer, conditional: boolean): Promise<number> => {
    const { UploadId } = await client.send(new sdk.CreateMultipartUploadCommand({ Bucket: bucket, Key: key(name), ContentType: "application/zip" }), { abortSignal: signal });
    try {
      const parts: { ETag: string; PartNumber: number }[] = [];
      for (let offset = 0, n = 1; offset < data.length; offset += PART_SIZE, n++) {
        const body = data.subarray(offset, Math.min(offset + PART_SIZE, data.length));
        const res = await client.send(new sdk.UploadPartCommand({ Bucket: bucket, Key: key(name), UploadId, PartNumber: n, Body: body, ContentMD5: md5Base64(body) }), { abortSignal: signal });
        parts.push({ ETag: res.ETag!, PartNumber: n });
      }
      await client.send(
        new sdk.CompleteMultipartUploadCommand({ Bucket: bucket, Key: key(name), UploadId, MultipartUpload: { Parts: parts }, ...(conditional && { IfNoneMatch: "*" }) }),
        { abortSignal: signal },
      );
      return parts.length;
    } catch (err) {
      // Parts of an unfinished upload are stored (and billed) until aborted: also after Ctrl-C,
      // which is why this request does not take the signal (a dead network gives up after 5 s).
      await client.send(new sdk.AbortMultipartUploadCommand({ Bucket: bucket, Key: key(name), UploadId }), { abortSignal: AbortSignal.timeout(5000) }).catch(() => undefined);
      throw err;
    }
  };

  return {
    location: where,
    async compare(name, data) {
      let head;
      try {
        head = await client.send(new sdk.HeadObjectCommand({ Bucket: bucket, Key: key(name) }), { abortSignal: signal });
      } catch (err) {
        if (isStatus(err, 404)) return "absent";
        // Without s3:ListBucket, S3 answers a missing key with 403, and a HEAD's answer has no body
        // to tell that from refused credentials: the conditional write decides, with the store's reason.
        if (isStatus(err, 403)) return "absent";
        throw translate(err, "HEAD", name);
      }
      // A single-request upload's ETag is the MD5 of the bytes; otherwise compare the bytes.
      const md5 = Buffer.from(md5Base64(data), "base64").toString("hex");
      if (head.ContentLength === data.length && head.ETag === `"${md5}"`) return "same";
      if (head.ContentLength !== data.length) return "different";
      return (await getBytes(name)).equals(data) ? "same" : "different";
    },
    async create(name, data): Promise<CreateOutcome> {
      const upload = (conditional: boolean) => (data.length > MULTIPART_THRESHOLD ? putMultipart(name, data, conditional) : putSingle(name, data, conditional).then(() => 1));
      try {
        return { outcome: "written", conditional: true, parts: await upload(true) };
      } catch (err) {
        if (isStatus(err, 412)) return { outcome: "exists", conditional: true, parts: 0 };
        if (!isStatus(err, 501) && (err as SdkError)?.name !== "NotImplemented") throw translate(err, "PUT", name);
      }
      // The store does not do conditional writes: the existence check just before is the guard.
      return { outcome: "written", conditional: false, parts: await send("PUT", name, () => upload(false)) };
    },
    close() {
      client.destroy();
    },
  };
}
