import { chromium, type Browser, type Page } from 'playwright-core';
import { ChatProcess, ChatStores, RaftCluster, takePorts } from './harness';

/** The served web client in headless Chromium: two users, two pages, live delivery. */
describe('web chat page in Chromium', () => {
  const base = takePorts();
  const cluster = new RaftCluster(base);
  const stores = new ChatStores();
  let chat: ChatProcess;
  let browser: Browser;

  beforeAll(async () => {
    await stores.open();
    await cluster.start();
    chat = new ChatProcess(base + 50, { RAFT_NODES: cluster.httpNodes(), DB_SCHEMA: stores.schema, REDIS_PREFIX: stores.redisPrefix });
    await chat.start();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await chat?.stop();
    await cluster.stop();
    await stores.drop();
  });

  const login = async (user: string): Promise<Page> => {
    const page = await browser.newPage();
    await page.goto(chat.base + '/');
    await page.fill('#user', user);
    await page.click('#login');
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.endsWith('live'));
    return page;
  };

  it('shows a message sent in one page live in the other, with its sequence number and fan-out mode', async () => {
    const alice = await login('alice');
    const bob = await login('bob');
    await alice.fill('#new-members', 'bob');
    await alice.fill('#new-title', 'lunch');
    await alice.click('#create');
    await alice.waitForSelector('#convs .conv.active');
    const convId = await alice.getAttribute('#convs .conv.active', 'data-id');
    expect(convId).toMatch(/^\d+$/);
    expect(await alice.textContent('#mode')).toContain('write fan-out');
    // Bob's page learns about the new conversation through the push channel.
    await bob.waitForSelector(`#convs .conv[data-id="${convId}"]`);
    await bob.click(`#convs .conv[data-id="${convId}"]`);
    await bob.waitForFunction(() => document.getElementById('title')!.textContent === 'lunch');

    await alice.fill('#body', 'hello from alice');
    await alice.click('#send');
    await bob.waitForSelector('#messages li[data-seq="1"]');
    expect(await bob.textContent('#messages li[data-seq="1"]')).toBe('#1 [write] alice: hello from alice');

    await bob.fill('#body', 'hi alice');
    await bob.click('#send');
    await alice.waitForSelector('#messages li[data-seq="2"]');
    expect(await alice.textContent('#messages li[data-seq="2"]')).toBe('#2 [write] bob: hi alice');
    expect(await alice.$$eval('#messages li', (lis) => lis.map((li) => li.getAttribute('data-seq')))).toEqual(['1', '2']);
  });
});
