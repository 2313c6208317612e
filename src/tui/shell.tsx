import { useApp, useInput } from 'ink';
import { useEffect, useState } from 'react';
import { escapeForDisplay } from '../model/display.js';
import { errorMessage } from '../model/errors.js';
import { App, Frame } from './app.js';
import { actionFor, keyName } from './keys.js';
import { plain } from './lines.js';
import { browseModel, type ViewModel } from './model.js';

/** Work that runs inside the UI before there is anything to show (opening, comparing), reporting a status line. */
export type Prepare = (report: (status: string) => void) => Promise<ViewModel>;

export interface ShellProps {
  prepare: Prepare;
  color: boolean;
}

/** Shows progress while the model is prepared, then the browser; opening a child snapshot starts it afresh. */
export function Shell({ prepare, color }: ShellProps) {
  const { exit } = useApp();
  const [model, setModel] = useState<ViewModel | null>(null);
  const [generation, setGeneration] = useState(0);
  const [status, setStatus] = useState('opening…');
  useEffect(() => {
    prepare(setStatus).then(setModel, (error: unknown) =>
      exit(error instanceof Error ? error : new Error(errorMessage(error))),
    );
  }, [prepare, exit]);
  useInput(
    (input, key) => {
      const action = actionFor(keyName(input, key), { view: 'browse', searched: false });
      if (action === 'quit' || action === 'back') exit();
    },
    { isActive: model === null },
  );
  if (!model) return <Frame lines={[plain(escapeForDisplay(status)), plain('q quits')]} color={color} />;
  const openChild = (index: number): void => {
    const child = model.kind === 'browse' ? model.snapshot.children[index] : undefined;
    if (!child) return;
    setModel(null);
    setStatus(`opening #${child.selector}…`);
    child.open().then(
      (snapshot) => {
        setModel(browseModel(snapshot));
        setGeneration((value) => value + 1);
      },
      (error: unknown) => exit(error instanceof Error ? error : new Error(errorMessage(error))),
    );
  };
  return <App key={generation} model={model} color={color} onOpenChild={openChild} />;
}
