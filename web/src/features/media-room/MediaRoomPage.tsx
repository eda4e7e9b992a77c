import { MediaRoomVideo } from "./MediaRoomVideo";

/** A media room by its key (`#/media/<key>`): the page a lesson links to for its video. */
export function MediaRoomPage({ room }: { room: string }) {
  return (
    <div className="media-room-page" data-testid="media-room-page">
      <MediaRoomVideo room={room} />
    </div>
  );
}
