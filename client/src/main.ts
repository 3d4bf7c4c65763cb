// First: no schema may parse before zod is told not to use eval (the CSP forbids it).
import './lib/zod-without-eval';
// Self-hosted on purpose: workshops may have no internet, and a font CDN would also leak who visits.
import '@fontsource/biz-udpgothic/400.css';
import '@fontsource/biz-udpgothic/700.css';
import './app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { keepShellOffline } from './lib/offline-shell';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lost its #app element');

export default mount(App, { target });

keepShellOffline();
