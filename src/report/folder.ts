import { constants } from "node:fs";
import { lstat, open, readdir, realpath } from "node:fs/promises";
import { isAbsolute, join, relative, sep } from "node:path";
import type { EntryReceiver } from "./collector.js";
import { quotePath, ReportReadError } from "./limits.js";

/**
 * Walks an extracted report folder (the `inspection-report` folder itself, or a folder holding one
 * or several) and feeds its files to `receiver`, in sorted order. Symbolic links are never
 * followed: one pointing outside the folder refuses the input, others are skipped with a warning.
 * Sockets, FIFOs and devices are skipped unopened.
 */
export async function readFolder(root: string, receiver: EntryReceiver): Promise<void> {
  const rootReal = await realpath(root);
  const folders: string[] = [""];
  while (folders.length > 0) {
    const folder = folders.pop()!;
    const names = (await readdir(join(rootReal, folder))).sort();
    const subfolders: string[] = [];
    for (const name of names) {
      const path = folder === "" ? name : `${folder}/${name}`;
      const absolute = join(rootReal, path);
      const stats = await lstat(absolute);
      receiver.countEntry();
      if (stats.isDirectory()) subfolders.push(path);
      else if (stats.isFile()) await readFile(absolute, path, receiver);
      else if (stats.isSymbolicLink()) await checkLink(rootReal, absolute, path, receiver);
      else receiver.warnings.add("skipped special files (sockets, FIFOs, devices)", path);
    }
    // Depth first, in name order: push in reverse so the first name is walked first.
    folders.push(...subfolders.reverse());
  }
}

async function readFile(absolute: string, path: string, receiver: EntryReceiver): Promise<void> {
  // O_NOFOLLOW refuses a file swapped for a link since lstat; O_NONBLOCK keeps a file swapped for
  // a FIFO from blocking the open. fstat then confirms what was actually opened.
  const file = await open(absolute, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stats = await file.stat();
    if (!stats.isFile()) {
      receiver.warnings.add("skipped special files (sockets, FIFOs, devices)", path);
      return;
    }
    const size = stats.size;
    const handle = receiver.openFile(path, size);
    let received = 0;
    if (size > 0) {
      // Read what fstat announced and no more: a log may still be growing.
      const stream = file.createReadStream({
        start: 0,
        end: size - 1,
        highWaterMark: 1024 * 1024,
        autoClose: false,
      });
      try {
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          received += chunk.length;
          handle.write(chunk);
        }
      } finally {
        stream.destroy();
      }
    }
    if (received < size) receiver.warnings.add("files shrank while being read", path);
    handle.end();
  } finally {
    await file.close();
  }
}

async function checkLink(
  rootReal: string,
  absolute: string,
  path: string,
  receiver: EntryReceiver,
): Promise<void> {
  let target: string;
  try {
    target = await realpath(absolute);
  } catch {
    receiver.warnings.add("skipped broken symbolic links", path);
    return;
  }
  const inside = relative(rootReal, target);
  if (inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new ReportReadError(
      "link",
      `folder holds a symbolic link pointing outside it: ${quotePath(path)} -> ${quotePath(target)}`,
    );
  }
  receiver.warnings.add("skipped symbolic links", path);
}
