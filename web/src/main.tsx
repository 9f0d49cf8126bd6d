import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { sharedPglite } from './backends/pglite-backend';
import { loadMode } from './notebook/store';
import './styles.css';

// Before the first render: the worker, the wasm and the snapshot download while React starts.
if (loadMode() === 'pglite') sharedPglite();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
