// Self-hosted on purpose: workshops may have no internet, and a font CDN would also leak who visits.
// vite.config.ts builds the @font-face rules from @fontsource/biz-udpgothic (woff2, weights 400 and 700).
import 'virtual:font-faces.css';
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { locale } from './i18n/i18n.svelte';
import { keepShellOffline } from './lib/offline-shell';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lost its #app element');

// English devices fetch their messages first (i18n.svelte.ts); Japanese ones have them already.
await locale.ready;
export default mount(App, { target });

keepShellOffline();
