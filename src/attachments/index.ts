export { type Attachment, attachmentSetKey, type DiscoveryContext, discoverAttachments } from "./discover.js";
export {
  DEFAULT_MAX_BYTES,
  type DownloadErrorCode,
  type DownloadOptions,
  type DownloadResult,
  downloadAttachment,
  isAllowedHost,
  isForbiddenAddress,
} from "./download.js";
export { type HostPolicy, parseAttachmentHosts } from "./hosts.js";
