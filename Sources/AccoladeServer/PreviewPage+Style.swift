extension PreviewPage {
    /// The page's style sheet, inline so the page is one response (`style-src 'unsafe-inline'`).
    static let css = """
        :root {
          --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --page: #f3f4f6; --card: #ffffff;
          --accent: #0f766e; --accent-soft: #ccfbf1; --warn: #b45309; --warn-soft: #fef3c7;
          --error: #b91c1c; --error-soft: #fef2f2;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Helvetica, Arial, sans-serif;
          color: var(--ink); background: var(--page);
        }
        * { box-sizing: border-box; }
        body { margin: 0; padding: 24px 28px 40px; line-height: 1.45; }
        code, pre { font-family: ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 0.85rem; }
        h1 { margin: 0; font-size: 1.6rem; }
        h2 { margin: 0 0 14px; font-size: 1rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--accent); }
        h3 { margin: 18px 0 8px; font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }

        .page-header { display: flex; flex-wrap: wrap; gap: 16px 32px; align-items: flex-end; justify-content: space-between; margin-bottom: 16px; }
        .eyebrow { margin: 0 0 2px; font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.08em; color: var(--muted); }
        .description { margin: 6px 0 0; max-width: 70ch; color: #374151; }

        .locales { display: flex; align-items: center; gap: 10px; }
        .locales .label { font-size: 0.8rem; color: var(--muted); }
        .locales ul { display: flex; margin: 0; padding: 3px; list-style: none; background: var(--card); border: 1px solid var(--line); border-radius: 999px; }
        .locales a { display: block; padding: 4px 14px; border-radius: 999px; color: var(--ink); text-decoration: none; font-weight: 600; font-size: 0.9rem; }
        .locales a:hover { background: var(--page); }
        .locales a.current { background: var(--accent); color: #ffffff; }

        .summary { margin-bottom: 20px; padding: 12px 16px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
        .rendered-for { margin: 0 0 8px; font-size: 0.9rem; color: #374151; }
        .variables { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 0; }
        .variables div { display: flex; gap: 8px; align-items: baseline; }
        .variables dt { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
        .variables dd { margin: 0; }
        .hint { text-transform: none; letter-spacing: 0; }
        .chip { display: inline-block; margin: 2px 0; padding: 1px 8px; border-radius: 6px; background: var(--page); border: 1px solid var(--line); }
        .chip.required { background: var(--accent-soft); border-color: #99f6e4; }
        .chip.secret { background: var(--warn-soft); border-color: #fcd34d; }
        .none { color: var(--muted); font-style: italic; font-size: 0.9rem; }

        .channels { display: flex; flex-wrap: wrap; gap: 20px; align-items: flex-start; }
        .panel { flex: 1 1 320px; min-width: 0; padding: 18px 20px 20px; background: var(--card); border: 1px solid var(--line); border-radius: 12px; box-shadow: 0 1px 2px rgba(17, 24, 39, 0.05); }
        .panel.email { flex: 2 1 640px; }
        .note { margin: 10px 0 0; font-size: 0.85rem; color: var(--muted); }

        .mail { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
        .mail-header { margin: 0; padding: 10px 14px; background: #f9fafb; border-bottom: 1px solid var(--line); }
        .mail-header div { display: flex; gap: 12px; padding: 2px 0; }
        .mail-header dt { width: 64px; flex: none; color: var(--muted); font-size: 0.85rem; }
        .mail-header dd { margin: 0; font-size: 0.9rem; overflow-wrap: anywhere; }
        .mail-header .subject { font-weight: 700; }
        .mail-body { display: block; width: 100%; height: 620px; border: 0; background: #ffffff; }
        .plain { margin: 0; padding: 12px 14px; max-height: 320px; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; background: #f9fafb; border: 1px solid var(--line); border-radius: 8px; }

        .screen { padding: 18px 14px; border-radius: 14px; }
        .bubble { position: relative; margin: 0; max-width: 92%; padding: 10px 12px; white-space: pre-wrap; overflow-wrap: anywhere; font-size: 0.95rem; box-shadow: 0 1px 1px rgba(0, 0, 0, 0.08); }
        .sms-screen { background: #f2f2f7; }
        .sms-bubble { background: #e5e5ea; color: #000000; border-radius: 18px 18px 18px 4px; }
        .sms-bubble mark, .offenders mark { background: #fde68a; color: #7c2d12; border-radius: 3px; padding: 0 2px; outline: 1px solid #f59e0b; }
        .wa-screen { background: #efeae2; }
        .wa-bubble { margin-left: auto; background: #d9fdd3; color: #111b21; border-radius: 10px 0 10px 10px; padding-bottom: 20px; }
        .wa-meta { position: absolute; right: 10px; bottom: 4px; font-size: 0.7rem; color: #667781; }

        .stats { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 16px 0 0; }
        .stats div { display: contents; }
        .stats dt { color: var(--muted); font-size: 0.85rem; }
        .stats dd { margin: 0; font-size: 0.9rem; overflow-wrap: anywhere; }
        .segments { font-weight: 700; }
        .too-long { color: var(--error); font-weight: 700; }
        .badge { display: inline-block; padding: 1px 10px; border-radius: 999px; font-size: 0.8rem; font-weight: 700; }
        .badge.ok { background: var(--accent-soft); color: var(--accent); }
        .badge.warn { background: var(--warn-soft); color: var(--warn); }
        .ucs2-note { margin-top: 14px; padding: 10px 12px; background: var(--warn-soft); border-radius: 8px; font-size: 0.85rem; }
        .ucs2-note p { margin: 0 0 6px; }
        .offenders { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 0; padding: 0; list-style: none; }

        .qr-box { display: flex; flex-direction: column; align-items: center; padding: 16px; background: #f9fafb; border: 1px solid var(--line); border-radius: 8px; }
        .qr-image { image-rendering: pixelated; background: #ffffff; }
        .qr-placeholder { width: 140px; height: 140px; border: 2px dashed #9ca3af; border-radius: 8px;
          background: repeating-linear-gradient(45deg, #f3f4f6 0 10px, #e5e7eb 10px 20px); }
        .payload { overflow-wrap: anywhere; }

        .failed { border-color: #fecaca; }
        .render-error { padding: 12px 14px; background: var(--error-soft); border: 1px solid #fecaca; border-radius: 8px; color: var(--error); }
        .render-error p { margin: 0 0 8px; }
        .render-error pre { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; color: #7f1d1d; }

        .absent { margin: 16px 0 0; font-size: 0.85rem; color: var(--muted); }
        .data { margin-top: 16px; padding: 10px 16px; background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
        .data summary { cursor: pointer; font-weight: 600; font-size: 0.9rem; }
        .data pre { margin: 10px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
        """
}
