// The theme toggle of every page (src/layouts/Base.astro): a file, cached once, not the same script in each
// of a long history's run pages. The page's head has already applied a chosen theme before first paint.
document.querySelector('.theme-toggle')?.addEventListener('click', () => {
  const root = document.documentElement;
  const dark = root.dataset.theme ? root.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  root.dataset.theme = dark ? 'light' : 'dark';
  try {
    localStorage.setItem('perfsite-theme', root.dataset.theme);
  } catch {}
});
