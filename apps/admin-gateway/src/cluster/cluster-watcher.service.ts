import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { ClusterClientService } from './cluster-client.service';
import type { ClusterView } from './cluster-types';

/**
 * One shared poll of the cluster for every dashboard: runs only while someone listens,
 * every second, or every 200 ms while a change is in progress (so a learner is seen
 * before its promotion).
 */
@Injectable()
export class ClusterWatcher implements OnModuleDestroy {
  private readonly subject = new Subject<ClusterView>();
  private listeners = 0;
  private timer: NodeJS.Timeout | null = null;
  private latest: ClusterView | null = null;
  private fast = false;

  constructor(private readonly cluster: ClusterClientService) {}

  /** Poll faster (an operation is running). */
  setFast(fast: boolean): void {
    this.fast = fast;
  }

  views(): Observable<ClusterView> {
    return new Observable<ClusterView>((sub) => {
      const s = this.subject.subscribe(sub);
      if (this.latest) sub.next(this.latest);
      if (this.listeners++ === 0) this.schedule(0);
      return () => {
        s.unsubscribe();
        if (--this.listeners === 0 && this.timer) {
          clearTimeout(this.timer);
          this.timer = null;
        }
      };
    });
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    try {
      this.latest = await this.cluster.view();
      this.subject.next(this.latest);
    } catch {
      // the next tick retries
    }
    if (this.listeners > 0) this.schedule(this.fast || this.latest?.changeInProgress ? 200 : 1000);
  }

  onModuleDestroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.subject.complete();
  }
}
