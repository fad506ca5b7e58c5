import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Attachment, attachmentSetKey, discoverAttachments } from "../../src/attachments/discover.js";

const ctx = { owner: "canonical", repo: "microk8s" };
const urls = (body: string, context: Parameters<typeof discoverAttachments>[1] = ctx) =>
  discoverAttachments(body, context).map((attachment) => attachment.url);

const REPORT = "https://github.com/canonical/microk8s/files/9696317/inspection-report-20220922_115620.tar.gz";
const NEW_REPORT =
  "https://github.com/user-attachments/files/17000123/inspection-report-20240612_101010.tar.gz";

/** The current MicroK8s bug template (its headings and comments), filled in the way reporters do. */
const CURRENT_TEMPLATE_FILLED = `<!--
   Thank you for submitting an issue. Please fill in the template below
   information about the bug you encountered.
-->

#### Summary
<!-- Please explain the bug in a few short sentences -->
After a power cut two of my three nodes are NotReady and kubectl hangs.

#### What Should Happen Instead?
<!-- Please explain what the expected behavior is -->
The cluster should come back.

#### Reproduction Steps
<!-- Are you able to consistently reproduce the issue? Please add a list of steps that lead to the bug. -->

1. Pull the plug on kube06 and kube07.
2. Power them on again.

#### Introspection Report
<!-- Please run \`microk8s inspect\` and attach the generated tarball. -->
[inspection-report-20220922_115620.tar.gz](${REPORT})

#### Can you suggest a fix?
<!-- (This section is optional). How do you propose that the issue be fixed? -->

#### Are you interested in contributing with a fix?
<!-- yes/no, or @mention maintainers. Community contributions are welcome. -->
no

<!-- Thank you for making MicroK8s better -->
`;

describe("discoverAttachments: real-shaped issue bodies", () => {
  it("finds the tarball in a filled-in current bug template", () => {
    expect(discoverAttachments(CURRENT_TEMPLATE_FILLED, ctx)).toEqual<Attachment[]>([
      {
        url: REPORT,
        name: "inspection-report-20220922_115620.tar.gz",
        kind: "archive",
        form: "repo-files",
      },
    ]);
  });

  it("finds nothing in the unedited template: the inspect hint is inside an HTML comment", () => {
    const unedited = CURRENT_TEMPLATE_FILLED.replace(
      `[inspection-report-20220922_115620.tar.gz](${REPORT})`,
      "",
    );
    expect(urls(unedited)).toEqual([]);
  });

  it("ignores a link someone left inside the template's comment", () => {
    const body = `#### Introspection Report\n<!-- Please run \`microk8s inspect\` and attach the generated tarball. ${REPORT} -->\n`;
    expect(urls(body)).toEqual([]);
  });

  it("reads the old one-line templates, with and without an attachment", () => {
    const old =
      "Please run `microk8s.inspect` and attach the generated tarball to this issue.\n\nWe appreciate your feedback. Thank you for using microk8s.\n";
    expect(urls(old)).toEqual([]);
    const withReport = `Please run \`microk8s inspect\` and attach the generated tarball to this issue.\n\n[inspection-report-20200101_000000.tar.gz](https://github.com/ubuntu/microk8s/files/4000000/inspection-report-20200101_000000.tar.gz)\n\nWe appreciate your feedback. Thank you for using microk8s.\n`;
    expect(discoverAttachments(withReport, ctx)).toEqual([
      {
        url: "https://github.com/ubuntu/microk8s/files/4000000/inspection-report-20200101_000000.tar.gz",
        name: "inspection-report-20200101_000000.tar.gz",
        kind: "archive",
        form: "repo-files",
      },
    ]);
  });

  it("keeps renamed tarballs and one report per node, in order, without duplicates", () => {
    const body = [
      "Reports from all three nodes:",
      "[kube05-inspection-report-20230206_185244.tar.gz](https://github.com/user-attachments/files/1/kube05-inspection-report-20230206_185244.tar.gz)",
      "[kube06](https://github.com/user-attachments/files/2/kube06-inspection-report-20230206_185301.tar.gz)",
      "* [k8s-2.tar.gz](https://github.com/canonical/microk8s/files/3/k8s-2.tar.gz)",
      "",
      "Again the first one: https://github.com/user-attachments/files/1/kube05-inspection-report-20230206_185244.tar.gz",
      "and a .tgz: <https://github.com/user-attachments/files/4/node3.tgz>",
    ].join("\n");
    expect(discoverAttachments(body, ctx).map((a) => [a.name, a.kind, a.form])).toEqual([
      ["kube05-inspection-report-20230206_185244.tar.gz", "archive", "user-attachments"],
      ["kube06-inspection-report-20230206_185301.tar.gz", "archive", "user-attachments"],
      ["k8s-2.tar.gz", "archive", "repo-files"],
      ["node3.tgz", "archive", "user-attachments"],
    ]);
  });

  it("takes a single log attachment as kind log", () => {
    const body =
      "Only the datastore log: [snap.microk8s.daemon-k8s-dqlite.journal.log](https://github.com/user-attachments/files/18000000/snap.microk8s.daemon-k8s-dqlite.journal.log)\n" +
      "and [dmesg.txt](https://github.com/canonical/microk8s/files/5/dmesg.txt)";
    expect(discoverAttachments(body, ctx).map((a) => [a.name, a.kind])).toEqual([
      ["snap.microk8s.daemon-k8s-dqlite.journal.log", "log"],
      ["dmesg.txt", "log"],
    ]);
  });

  it("counts a bare .gz as an archive (the content decides later)", () => {
    expect(
      discoverAttachments("[j](https://github.com/user-attachments/files/6/journal.gz)", ctx)[0].kind,
    ).toBe("archive");
  });

  it("ignores images, videos, PDFs and zips", () => {
    const body = [
      "![screenshot](https://github.com/user-attachments/assets/3b1c6d0e-2f4a-4a55-9f2e-1234567890ab)",
      '<img width="600" src="https://github.com/user-attachments/assets/3b1c6d0e-2f4a-4a55-9f2e-1234567890ab">',
      "![old](https://user-images.githubusercontent.com/123/456-789.png)",
      "[spec.pdf](https://github.com/user-attachments/files/7/spec.pdf)",
      "[logs.zip](https://github.com/canonical/microk8s/files/8/logs.zip)",
      "[shot.png](https://github.com/canonical/microk8s/files/9/shot.png)",
      "https://github.com/canonical/microk8s/assets/123/3b1c6d0e-2f4a-4a55-9f2e-1234567890ab",
    ].join("\n");
    expect(urls(body)).toEqual([]);
  });

  it("accepts any repository's legacy files URL (renamed repos: ubuntu/microk8s)", () => {
    const body =
      "[r.tar.gz](https://github.com/ubuntu/microk8s/files/2442061/inspection-report-20180925_080222.tar.gz)";
    expect(discoverAttachments(body, { owner: "someone", repo: "else" })).toHaveLength(1);
  });

  it("decodes percent-encoded names", () => {
    const [attachment] = discoverAttachments(
      "[x](https://github.com/user-attachments/files/10/node%201%20report.tar.gz)",
      ctx,
    );
    expect(attachment.name).toBe("node 1 report.tar.gz");
    expect(attachment.url).toBe("https://github.com/user-attachments/files/10/node%201%20report.tar.gz");
  });

  it("finds links in every Markdown/HTML form", () => {
    const body = [
      `inline [a](${NEW_REPORT} "title")`,
      "autolink <https://github.com/user-attachments/files/11/b.tar.gz>",
      "bare https://github.com/user-attachments/files/12/c.tar.gz, then text.",
      "[ref]: https://github.com/user-attachments/files/13/d.tar.gz",
      '<a href="https://github.com/user-attachments/files/14/e.tar.gz">e</a>',
      "<a href='https://github.com/user-attachments/files/15/f.tar.gz'>f</a>",
      "**https://github.com/user-attachments/files/16/g.tar.gz**",
      "(see https://github.com/user-attachments/files/17/h.tar.gz)",
      "| node | [i](https://github.com/user-attachments/files/18/i.tar.gz) |",
      "> quoted [j](https://github.com/user-attachments/files/19/j.tar.gz)",
      "[k](<https://github.com/user-attachments/files/20/k.tar.gz>)",
    ].join("\n");
    expect(discoverAttachments(body, ctx).map((a) => a.name)).toEqual([
      "inspection-report-20240612_101010.tar.gz",
      "b.tar.gz",
      "c.tar.gz",
      "d.tar.gz",
      "e.tar.gz",
      "f.tar.gz",
      "g.tar.gz",
      "h.tar.gz",
      "i.tar.gz",
      "j.tar.gz",
      "k.tar.gz",
    ]);
  });
});

describe("discoverAttachments: code and comments are not links", () => {
  it.each([
    ["a backtick fence", "```\n[x](URL)\n```"],
    ["a fence with an info string", "```console\n$ curl -LO URL\n```"],
    ["a tilde fence", "~~~\nURL\n~~~"],
    ["a long fence holding a shorter one", "`````\n```\nURL\n```\n`````"],
    ["a tilde fence not closed by a shorter one", "~~~~\n~~~\nURL\n~~~~"],
    ["an unclosed fence (runs to the end)", "text\n\n```\nURL\n\nmore"],
    ["a fence inside a list item", "1. run\n   ```\n   URL\n   ```"],
    ["a fence in a block quote", "> ```\n> URL\n> ```"],
    ["an indented code block", "Output:\n\n    URL\n"],
    ["a tab-indented code block", "Output:\n\n\tURL\n"],
    ["an inline code span", "see `URL` here"],
    ["a double-backtick code span", "see ``a ` URL`` here"],
    ["a code span across lines", "see `the\nURL` here"],
    ["a one-line HTML comment", "<!-- URL -->"],
    ["a multi-line HTML comment", "<!--\nold report:\n[x](URL)\n-->"],
    ["an HTML comment mid-line", "text <!-- [x](URL) --> more"],
    ["an HTML comment with a fence inside", "<!--\n```\n-->\n"],
  ])("ignores a link in %s", (_what, template) => {
    expect(urls(template.replaceAll("URL", NEW_REPORT))).toEqual([]);
  });

  it("finds the link again right after the code or comment ends", () => {
    const body = [
      "```",
      "not this: https://github.com/user-attachments/files/1/in-fence.tar.gz",
      "```",
      "<!-- nor https://github.com/user-attachments/files/2/in-comment.tar.gz -->",
      "`nor https://github.com/user-attachments/files/3/in-code.tar.gz` but",
      `this: ${NEW_REPORT}`,
      "<!--",
      "-->",
      "and https://github.com/user-attachments/files/4/after-comment.tar.gz",
    ].join("\n");
    expect(urls(body)).toEqual([
      NEW_REPORT,
      "https://github.com/user-attachments/files/4/after-comment.tar.gz",
    ]);
  });

  it("keeps links in a list item's indented continuation (not code) and after an unmatched backtick", () => {
    const body = [
      "- node 1",
      "",
      "    [r1.tar.gz](https://github.com/user-attachments/files/1/r1.tar.gz)",
      "",
      "A lone ` backtick, then https://github.com/user-attachments/files/2/r2.tar.gz",
      "Paragraph text",
      "    continued https://github.com/user-attachments/files/3/r3.tar.gz",
      "``` not a fence ``` https://github.com/user-attachments/files/4/r4.tar.gz",
    ].join("\n");
    expect(discoverAttachments(body, ctx).map((a) => a.name)).toEqual([
      "r1.tar.gz",
      "r2.tar.gz",
      "r3.tar.gz",
      "r4.tar.gz", // after a closed code span
    ]);
  });

  it("an escaped backtick does not open a code span", () => {
    expect(urls(`\\\` ${NEW_REPORT} \\\``)).toEqual([NEW_REPORT]);
  });
});

describe("discoverAttachments: hosts", () => {
  it.each([
    "https://github.com.evil.com/user-attachments/files/1/r.tar.gz",
    "https://evilgithub.com/user-attachments/files/1/r.tar.gz",
    "https://user:pass@github.com/user-attachments/files/1/r.tar.gz",
    "https://github.com@evil.com/user-attachments/files/1/r.tar.gz",
    "http://github.com/user-attachments/files/1/r.tar.gz",
    "https://github.com:8443/user-attachments/files/1/r.tar.gz",
    "https://objects.githubusercontent.com/github-production-repository-file-5c1aeb/1/r.tar.gz",
    "https://raw.githubusercontent.com/o/r/main/r.tar.gz",
    "https://github.com/user-attachments/files/abc/r.tar.gz",
    "https://github.com/user-attachments/files/1/extra/r.tar.gz",
    "https://github.com/o/r/blob/main/r.tar.gz",
    "https://github.com/o/r/releases/download/v1/r.tar.gz",
    "https://github.com/user-attachments/files/1/%2e%2e%2fr.tar.gz",
    "https://github.com/user-attachments/files/1/bad%zzname.tar.gz",
    "javascript:alert(1)",
    "data:text/plain,https:%2F%2Fgithub.com%2Fuser-attachments%2Ffiles%2F1%2Fr.tar.gz",
  ])("rejects %s", (link) => {
    expect(urls(`[x](${link})`)).toEqual([]);
  });

  it("accepts GitHub Enterprise links only when GHE_HOST is configured", () => {
    const body =
      "[a](https://ghe.example.com/platform/k8s/files/12/inspection-report.tar.gz) " +
      "[b](https://ghe.example.com/user-attachments/files/13/b.tar.gz)";
    expect(urls(body)).toEqual([]);
    const found = discoverAttachments(body, { ...ctx, gheHost: "ghe.example.com" });
    expect(found.map((a) => [a.url, a.form])).toEqual([
      ["https://ghe.example.com/platform/k8s/files/12/inspection-report.tar.gz", "repo-files"],
      ["https://ghe.example.com/user-attachments/files/13/b.tar.gz", "user-attachments"],
    ]);
  });

  it("matches the GHE port and protocol exactly", () => {
    const link = "[a](http://ghe.internal:8080/o/r/files/1/r.tar.gz)";
    expect(urls(link, { ...ctx, gheHost: "ghe.internal:8080" })).toEqual([]); // https by default
    expect(urls(link, { ...ctx, gheHost: "ghe.internal:8080", gheProtocol: "http" })).toHaveLength(1);
    expect(urls(link, { ...ctx, gheHost: "ghe.internal:9090", gheProtocol: "http" })).toEqual([]);
  });

  it("accepts any path on an ATTACHMENT_HOSTS entry as other-allowed, refusing odd IP spellings", () => {
    const context = { ...ctx, extraHosts: ["127.0.0.1:8080"] };
    expect(discoverAttachments("[r](http://127.0.0.1:8080/reports/node1.tar.gz)", context)).toEqual([
      {
        url: "http://127.0.0.1:8080/reports/node1.tar.gz",
        name: "node1.tar.gz",
        kind: "archive",
        form: "other-allowed",
      },
    ]);
    expect(discoverAttachments("[r](http://127.0.0.1:8080/o/r/files/3/n.tar.gz)", context)[0].form).toBe(
      "repo-files",
    );
    expect(urls("[r](http://2130706433:8080/reports/node1.tar.gz)", context)).toEqual([]);
    expect(urls("[r](http://127.0.0.1:8081/reports/node1.tar.gz)", context)).toEqual([]);
  });

  it("canonicalises the URL: no query or fragment, duplicates merged", () => {
    const body = `[a](${NEW_REPORT}?download=1) [b](${NEW_REPORT}#x) ${NEW_REPORT}`;
    expect(urls(body)).toEqual([NEW_REPORT]);
  });
});

describe("discoverAttachments: robustness", () => {
  const budgetMs = 250;
  const time = (body: string) => {
    const started = performance.now();
    discoverAttachments(body, ctx);
    return performance.now() - started;
  };

  it.each([
    [
      "backtick runs of every length",
      Array.from({ length: 400 }, (_, i) => "`".repeat((i % 40) + 1)).join(" x "),
    ],
    ["unclosed comments", "<!-- a ".repeat(9000)],
    ["nested parentheses in a URL", `https://github.com/user-attachments/files/1/${"(".repeat(30000)}`],
    ["fence lines", "```\n~~~~\n".repeat(6000)],
    ["many links", `[r](${NEW_REPORT}) `.repeat(600)],
    ["deep quotes and lists", "> > > - 1. * ".repeat(4000)],
  ])("handles a 65 536-char body of %s quickly", (_what, body) => {
    const padded = body.padEnd(65_536, " ").slice(0, 65_536);
    expect(time(padded)).toBeLessThan(budgetMs);
  });

  it("never throws and only returns well-formed attachments, whatever the input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.string({ maxLength: 60 }), (noise, name) => {
        const body = `${noise}\n[x](https://github.com/user-attachments/files/1/${encodeURIComponent(name)}.tar.gz)\n${noise}`;
        for (const attachment of discoverAttachments(body, ctx)) {
          expect(attachment.url.startsWith("https://github.com/")).toBe(true);
          expect(["archive", "log"]).toContain(attachment.kind);
          expect(attachment.name).not.toMatch(/[/\\]/);
        }
      }),
    );
  });

  it("a link on its own paragraph is always found; the same link in a fence never is", () => {
    const safeName = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$/);
    fc.assert(
      fc.property(
        safeName,
        fc.integer({ min: 1, max: 1e9 }),
        fc.constantFrom("```", "~~~", "````"),
        (name, id, fence) => {
          const link = `https://github.com/user-attachments/files/${id}/${name}.tar.gz`;
          expect(urls(`Report:\n\n[${name}](${link})\n`)).toEqual([link]);
          expect(urls(`Report:\n\n${fence}\n[${name}](${link})\n${fence}\n`)).toEqual([]);
        },
      ),
    );
  });
});

describe("attachmentSetKey", () => {
  const a = { url: "https://github.com/user-attachments/files/1/a.tar.gz" };
  const b = { url: "https://github.com/user-attachments/files/2/b.tar.gz" };
  const c = { url: "https://github.com/user-attachments/files/3/c.tar.gz" };

  it("ignores order and repetition", () => {
    expect(attachmentSetKey([a, b])).toBe(attachmentSetKey([b, a, b]));
  });

  it("changes when an attachment is added, removed or replaced", () => {
    const keys = [
      attachmentSetKey([a, b]),
      attachmentSetKey([a, b, c]),
      attachmentSetKey([a]),
      attachmentSetKey([a, c]),
    ];
    expect(new Set(keys).size).toBe(4);
    expect(attachmentSetKey([])).not.toBe(attachmentSetKey([a]));
  });

  it("is a short hex string safe inside an HTML comment", () => {
    expect(attachmentSetKey([a, b])).toMatch(/^[0-9a-f]{20}$/);
  });
});
