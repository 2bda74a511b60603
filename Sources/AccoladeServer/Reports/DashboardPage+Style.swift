extension DashboardPage {
    /// The page's one style sheet, allowed by its hash in ``contentSecurityPolicy`` (so no
    /// `'unsafe-inline'`: an injected `<style>` or `style=` attribute would not apply).
    static let css = """
        :root { --ink: #111827; --muted: #4b5563; --line: #e5e7eb; --page: #f3f4f6; --card: #ffffff; --accent: #0f766e; --error: #b91c1c;
          font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Helvetica, Arial, sans-serif; color: var(--ink); background: var(--page); }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 1100px; padding: 24px 28px 48px; line-height: 1.45; }
        h1 { margin: 0; font-size: 1.6rem; }
        h2 { margin: 0 0 12px; font-size: 1rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--accent); }
        h3 { margin: 14px 0 6px; font-size: 0.85rem; color: var(--muted); }
        .eyebrow { margin: 0 0 2px; font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.08em; color: var(--muted); }
        .page-header { display: flex; flex-wrap: wrap; gap: 16px 32px; align-items: flex-end; justify-content: space-between; margin-bottom: 8px; }
        .period, .note, .hint { color: var(--muted); margin: 4px 0; }
        .hint { font-size: 0.8rem; flex-basis: 100%; }
        .picker { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 8px; max-width: 34rem; }
        .picker input { font: inherit; padding: 4px 6px; border: 1px solid #9ca3af; border-radius: 6px; background: var(--card); }
        .picker button { font: inherit; padding: 5px 14px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #ffffff; cursor: pointer; }
        :focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
        .refusal { padding: 10px 14px; border-radius: 8px; background: #fef2f2; color: var(--error); border: 1px solid #fecaca; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 10px; margin: 16px 0 20px; }
        .tile { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 12px; }
        .tile dt { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
        .tile dd { margin: 4px 0 0; font-size: 1.3rem; font-weight: 600; }
        section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin-bottom: 18px; }
        figure { margin: 0 0 12px; }
        figcaption { font-size: 0.85rem; color: var(--muted); }
        .chart-svg { width: 100%; height: auto; display: block; }
        .chart-svg text { font-size: 12px; fill: #374151; }
        .chart-svg .value { font-weight: 600; }
        table { border-collapse: collapse; width: 100%; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
        caption { text-align: left; font-size: 0.8rem; color: var(--muted); padding-bottom: 4px; }
        th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); }
        td.reason { overflow-wrap: anywhere; }
        .empty { color: var(--muted); font-style: italic; }
        pre { background: var(--card); border: 1px solid var(--line); padding: 8px; overflow-x: auto; }
        """
}
